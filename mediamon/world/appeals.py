"""In-article furniture per outlet: donation appeals, newsletter prompts, "read more" blocks.

The Moscow Monitor blocks reproduce the seed page (/work/shared/seeds, the project owner's text)
with the outlet's name swapped; the others are written in each outlet's own language and voice.
"""

from __future__ import annotations

from mediamon.world.model import Block

MM = "Moscow Monitor"

MOSCOW_MONITOR = (
    Block("article__support", "top", link_text=f"Support {MM}!"),
    Block(
        "article__newsletter",
        "end",
        heading="Sign up for our free weekly newsletter",
        lines=(
            "Our weekly newsletter contains a hand-picked selection of news, features, analysis "
            f"and more from {MM}. You will receive it in your mailbox every Friday. Never miss "
            "the latest news from Russia. Preview",
            "Subscribers agree to the Privacy Policy",
        ),
        buttons=("Subscribe",),
    ),
    Block(
        "article__message",
        "end",
        heading=f"A Message from {MM}:",
        lines=(
            "Dear readers,",
            "We are facing unprecedented challenges. Russia's Prosecutor General's Office has "
            f'designated {MM} as an "undesirable" organization, criminalizing our work and '
            "putting our staff at risk of prosecution. This follows our earlier unjust labeling "
            'as a "foreign agent."',
            "These actions are direct attempts to silence independent journalism in Russia. The "
            'authorities claim our work "discredits the decisions of the Russian leadership." We '
            "see things differently: we strive to provide accurate, unbiased reporting on Russia.",
            f"We, the journalists of {MM}, refuse to be silenced. But to continue our work, we "
            "need your help.",
            "Your support, no matter how small, makes a world of difference. If you can, please "
            "support us monthly starting from just $2. It's quick to set up, and every "
            "contribution makes a significant impact.",
            f"By supporting {MM}, you're defending open, independent journalism in the face of "
            "repression. Thank you for standing with us.",
        ),
        buttons=("Once", "Monthly", "Annual", "Continue"),
    ),
    Block(
        "article__remind",
        "end",
        lines=("Not ready to support today?", "Remind me later."),
    ),
    Block("article__read-more", "end", heading="Read more", related=3),
)

NORTHERN_BROADCASTING = (
    Block(
        "promo-newsletter",
        "middle",
        heading="Sign up for our Europe Today newsletter",
        lines=(
            "Get the stories that matter across the continent, delivered to your inbox every "
            "weekday morning.",
        ),
        buttons=("Sign up",),
    ),
    Block(
        "app-promo",
        "end",
        lines=(
            "Follow Northern Broadcasting News on social media and download our app to get "
            "breaking news alerts on your phone.",
        ),
    ),
    Block("story-more", "end", heading="More on this story", related=3),
)

VESTI_AGENCY = (
    Block("read-also", "middle", heading="Читайте также", related=1),
    Block(
        "channel-subscribe",
        "end",
        lines=(
            "Подпишитесь на канал «Вести-Агентства» в Telegram, чтобы первыми узнавать о "
            "главных событиях в России и мире.",
        ),
        buttons=("Подписаться",),
    ),
    Block("news-more", "end", heading="Другие новости", related=3),
)

KHVYLIA = (
    Block("read-also", "middle", heading="Читайте також", related=1),
    Block(
        "support-box",
        "end",
        heading="Підтримайте нас",
        lines=(
            "«Українська хвиля» — незалежне видання, яке існує завдяки читачам. Ми не маємо "
            "інвестора чи власника, який диктував би нам редакційну політику.",
            "Кожен ваш внесок допомагає нашим журналістам працювати біля лінії фронту й "
            "розповідати правду про війну. Навіть 50 гривень на місяць мають значення.",
            "Підпишіться на розсилку «Хвилі», щоб отримувати найважливіше за день у свою пошту.",
        ),
        buttons=("Підтримати", "Разово", "Щомісяця"),
    ),
    Block("topic-news", "end", heading="Новини на тему", related=3),
)

MERIDIAN = (
    Block(
        "donate-inline",
        "middle",
        heading="Поддержите нас",
        lines=(
            "«Меридиан» признан в России «нежелательной организацией». Мы продолжаем работать "
            "из-за рубежа, и без поддержки читателей нам не выжить.",
            "Мы не берем денег у государства и не продаем рекламу. Нашу работу оплачивают "
            "читатели — такие же, как вы.",
            "Если можете, оформите ежемесячное пожертвование: даже пять евро в месяц помогают "
            "нам рассказывать правду о том, что происходит в России.",
        ),
        buttons=("Помочь", "Не сейчас"),
    ),
    Block(
        "app-banner",
        "end",
        lines=(
            "Нас заблокировали в России. Чтобы читать «Меридиан» без VPN, установите наше "
            "приложение.",
        ),
    ),
    Block("read-next", "end", heading="Что еще почитать", related=3),
)
