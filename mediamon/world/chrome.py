"""Page chrome per language: navigation, cookie banner, newsletter box, footer."""

from __future__ import annotations

from mediamon.world.model import Chrome

ENGLISH = Chrome(
    nav=("News", "Business", "Opinion", "Culture", "Sport", "Weather", "Podcasts"),
    cookie_text=(
        "We use cookies to improve your experience on our website. By continuing to browse "
        "{name}, you agree to our use of cookies."
    ),
    cookie_buttons=("Accept all", "Manage preferences"),
    newsletter_heading="Get the morning briefing from {name}",
    newsletter_text="The day's top stories, in your inbox every weekday before breakfast.",
    newsletter_button="Subscribe",
    most_read_heading="Most read",
    latest_heading="Latest news",
    byline_prefix="By",
    footer_lines=(
        "© 2023 {name}. All rights reserved.",
        "{name} is not responsible for the content of external websites.",
    ),
    footer_links=("About us", "Contact", "Privacy Policy", "Terms of use", "Advertise"),
    date_format="%B %d, %Y %H:%M",
)

RUSSIAN = Chrome(
    nav=("Новости", "Политика", "Экономика", "Общество", "Культура", "Спорт", "Погода"),
    cookie_text=(
        "Мы используем файлы cookie, чтобы сделать сайт удобнее. Продолжая пользоваться "
        "сайтом {name}, вы соглашаетесь с их использованием."
    ),
    cookie_buttons=("Принять", "Настройки"),
    newsletter_heading="Подпишитесь на нашу рассылку",
    newsletter_text="Главные новости дня от {name} — каждое утро в вашем почтовом ящике.",
    newsletter_button="Подписаться",
    most_read_heading="Самое читаемое",
    latest_heading="Последние новости",
    byline_prefix="Автор:",
    footer_lines=(
        "© 2023 {name}. Все права защищены.",
        "При полном или частичном использовании материалов ссылка на {name} обязательна.",
    ),
    footer_links=("О нас", "Контакты", "Политика конфиденциальности", "Реклама"),
    date_format="%d.%m.%Y %H:%M",
)

UKRAINIAN = Chrome(
    nav=("Новини", "Політика", "Економіка", "Суспільство", "Культура", "Спорт", "Погода"),
    cookie_text=(
        "Ми використовуємо файли cookie, щоб покращити роботу сайту. Продовжуючи "
        "користуватися сайтом {name}, ви погоджуєтеся з їх використанням."
    ),
    cookie_buttons=("Прийняти", "Налаштування"),
    newsletter_heading="Підпишіться на розсилку",
    newsletter_text="Головні новини дня від {name} — щоранку у вашій поштовій скриньці.",
    newsletter_button="Підписатися",
    most_read_heading="Найпопулярніше",
    latest_heading="Останні новини",
    byline_prefix="Автор:",
    footer_lines=(
        "© 2023 {name}. Усі права захищено.",
        "Використання матеріалів сайту дозволяється лише за умови посилання на {name}.",
    ),
    footer_links=("Про нас", "Контакти", "Політика конфіденційності", "Реклама"),
    date_format="%d.%m.%Y %H:%M",
)
