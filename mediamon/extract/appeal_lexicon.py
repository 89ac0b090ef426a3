"""The words appeals are made of, in en, ru, uk, de, fr, es (and a little nl, it, pt).

Patterns are written as a publisher addresses its reader: imperatives ("donate now", "jetzt
abonnieren"), first and second person ("support us", "your contribution", "поддержите нас"),
and interface labels ("Newsletter", "Related articles"). Journalism about donations, newsletters
or subscriptions describes them in the third person and is not matched.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Category(NamedTuple):
    """A kind of appeal: a pattern over lower-cased text and the stems every match contains.

    The stems are a cheap gate: most paragraphs contain none of them and never reach the regex,
    which keeps the detector well under a tenth of trafilatura's own cost.
    """

    name: str
    stems: tuple[str, ...]
    pattern: re.Pattern[str]

    def found_in(self, lowered: str) -> bool:
        return any(stem in lowered for stem in self.stems) and bool(self.pattern.search(lowered))


def _any_of(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def _trie_pattern(words: set[str]) -> str:
    """A regex matching any of ``words``, written as a trie: the regex engine then tries a few
    branches at each position instead of every word, several times faster than a flat list."""
    branches = []
    for first in sorted({word[0] for word in words}):
        rests = {word[1:] for word in words if word[0] == first}
        tail = _trie_pattern(rests - {""}) if rests - {""} else ""
        optional = "" in rests and tail
        branches.append(re.escape(first) + (f"(?:{tail})?" if optional else tail))
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


DONATION_ASK = _any_of(
    # en
    r"\b(?:please |)(?:donate|give) (?:now|today|here|to us|what you can)\b",
    r"\bplease (?:consider )?(?:support|donat|contribut|help (?:us|fund))",
    r"\bsupport (?:us|our (?:work|journalism|reporting|newsroom|mission)|independent journalism"
    r"|quality journalism)\b",
    r"\b(?:your|every) (?:support|donation|contribution|gift)s?\b.{0,80}\b(?:us|our|journalism"
    r"|difference|impact|matters|helps?)\b",
    r"\bwe need your (?:help|support)\b|\bneeds? your (?:help|support)\b",
    r"\bbecome an? (?:member|supporter|patron|donor|subscriber|insider|friend of)\b",
    r"\b(?:make|set up) a (?:one-off |monthly |recurring |)(?:donation|contribution)\b",
    r"\bnot ready to (?:support|donate|give|contribute)\b",
    r"\bby supporting [\w .'’-]{1,60}, you(?:'|’| a)re (?:defending|helping|keeping|supporting)\b",
    r"\bthank you for (?:standing with|supporting|backing) us\b",
    r"\bremind me later\b",
    r"\bchip in\b|\bbuy us a coffee\b",
    # ru
    r"\bподдержите\b|\bподдержать (?:нас|редакцию|проект|журналист|независим)",
    r"\bпожертвова(?:ние|ть|ния)\b.{0,60}\b(?:нам|нас|редакци)|\bзадонат",
    r"\bсделать (?:пожертвование|донат)|\bоформите (?:\w+ )?(?:пожертвование|донат)",
    r"\bваш[аеи]? (?:поддержк|помощ|пожертвован)|\bнуждается в вашей (?:поддержке|помощи)",
    # uk
    r"\bпідтримайте\b|\bпідтримати (?:нас|редакцію|проєкт|проект|журналіст|незалежн)",
    r"\bваш[аіе]? (?:підтримк|допомог|внес)|\bзадонат|\bстати патроном\b",
    r"\bпотребує вашої (?:підтримки|допомоги)|\bоформіть (?:\w+ )?(?:пожертву|донат)",
    # de
    r"\b(?:jetzt |)unterstützen sie (?:uns|unabhängigen|qualitätsjournalismus|unsere)\b",
    r"\bjetzt (?:unterstützen|spenden|mitglied werden)\b|\bunterstütze uns\b",
    r"\bihre? (?:unterstützung|spende)\b.{0,80}\b(?:uns|unsere|journalismus)\b|\bspenden sie\b",
    r"\bdeine spende\b|\bbrauch(?:t|en) (?:deine|ihre|eure) (?:unterstützung|hilfe)\b",
    r"\b(?:sie können|du kannst) (?:das|uns|unsere arbeit) unterstützen\b",
    # fr
    r"\bsoutenez[- ](?:nous|notre|le journalisme)\b|\bfaites un don\b|\bfaire un don\b",
    r"\ba besoin de (?:votre|ton) soutien\b|\bnecesita (?:tu|su) apoyo\b",
    r"\bvotre (?:soutien|don|contribution)\b.{0,80}\b(?:nous|notre|journalisme)\b",
    # es
    r"\bapoya (?:nuestro|el periodismo|a )|\bhaz una donación\b|\bdona (?:ahora|hoy)\b",
    r"\bhazte (?:socio|miembro|mecenas|suscriptor)\b|\btu (?:apoyo|aporte|donación)\b",
)

SUBSCRIPTION_PROMPT = _any_of(
    # en
    r"\bsign(?:ing)? (?:up|me up)\b.{0,60}\b(?:newsletters?|e-?mails?|alerts|briefing|updates)\b",
    r"^sign(?:ing)? up\b|\bsign in now\b",
    r"\b(?:sign up|subscribe|register) (?:now|today|here|for free|to (?:our|the))\b",
    r"\bsubscribe (?:to|for) (?:our|the|unlimited|\$|£|€)",
    r"\b(?:our|free|the) (?:daily |weekly |free |morning |evening )*newsletters?\b.{0,60}"
    r"\b(?:inbox|mailbox|contains|delivered|sign up|subscribe)",
    r"\b(?:straight |directly |delivered )?(?:to|in) your (?:inbox|mailbox)\b",
    r"\bnever miss (?:a|the|an)\b|\byou(?:'ve| have)? (?:successfully )?subscribed\b",
    r"\bby (?:signing up|clicking|subscribing)\b.{0,60}\b(?:agree|consent|accept)",
    r"\bsubscribers? agree\b|\balready (?:a )?(?:subscriber|subscribed|a member)\b",
    r"\bunsubscribe (?:at any time|anytime)\b",
    # ru / uk
    r"\bподпишитесь\b|\bподписывайтесь\b|\bоформите подписку\b|\bнаша рассылка\b",
    r"\bпідпишіться\b|\bпідписуйтесь\b|\bоформіть передплату\b|\bнаша розсилка\b",
    # de
    r"\b(?:jetzt|gratis|kostenlos|hier) (?:\w+ )?(?:abonnieren|anmelden|registrieren)\b",
    r"\bnewsletter (?:abonnieren|bestellen|anmelden)\b|\bzum newsletter an\b",
    r"\babonnieren sie\b|\babonniere\b|\babonnent werden\b|\bbereits abonnent",
    r"\bmit (?:meiner|ihrer) anmeldung\b|\babmeldung ist jederzeit\b|\bzur anmeldung\b",
    r"\bnewsletter (?:informiert|bringt|liefert) (?:sie|dich)\b",
    r"\bin (?:ihr|dein)em? \w* ?postfach\b",
    # fr
    r"\babonnez-vous\b|\binscrivez-vous\b|\bs'abonner\b|\bdéjà abonné",
    # es
    r"\bsuscríbete\b|\bsuscríbase\b|\bya (?:eres|es) suscriptor\b",
    # nl / it / pt
    r"\bneem een abonnement\b|\bnog geen abonnee\b|\babbonati\b|\bassine (?:já|agora)\b",
)

PAYWALL_TEASER = _any_of(
    r"\bto (?:continue reading|read (?:the|this) (?:full|whole|rest))\b",
    r"\b(?:subscribe|log ?in|sign in) to (?:continue|keep) reading\b",
    r"\b(?:content|story|article) is (?:reserved|available (?:exclusively|only)) (?:for|to)"
    r" (?:\w+ )?subscribers\b",
    r"\bthis (?:content|story|article) is for (?:paying |)subscribers",
    r"\bчтобы (?:прочитать|дочитать|продолжить чтение)\b",
    r"\bдоступ(?:ен|но) только (?:для )?подписчик",
    r"\bщоб (?:прочитати|дочитати|продовжити читання)\b|\bлише для передплатник",
    r"\b(?:jetzt |)weiterlesen mit\b|\bnur für abonnenten\b|\bnur (?:mit|im) (?:\w+[- ])?abo\b",
    r"\bartikel ist (?:nur |)(?:für|exklusiv für) abonnent",
    r"\bla suite est réservée\b|\bréservée? (?:aux|à nos) abonnés\b|\bil vous reste \d",
    r"\bpara (?:seguir|continuar) leyendo\b|\bexclusivo para suscriptores\b",
)

READ_MORE_LEAD = _any_of(
    r"^(?:read|see) (?:more|also|next)\b|^for more (?:stories|news|coverage) like this\b",
    r"^also read\s*:",
    r"^(?:more|related)(?: on| about)?(?: this)?(?: story| topic)?\s*:",
    r"^related(?: articles?| stories| coverage| content| reading| posts?| news)?\s*:?\s*$",
    r"^(?:more from|most read|recommended|you may also like|you might also like)\b",
    r"^читайте (?:также|еще|ещё|нас)\b|^по теме\s*:?|^смотрите также\b",
    r"^читайте (?:також|більше|нас)\b|^по темі\s*:?|^дивіться також\b",
    r"^mehr (?:zum thema|themen)\b|^lesen sie (?:auch|mehr|hier)\b|^weiterlesen\b",
    r"^das könnte sie auch",
    r"^(?:à |)lire (?:aussi|également|la suite)\b|^sur le même sujet\b",
    r"^(?:lee|leer|lea) (?:también|más)\b|^noticias relacionadas\b|^te puede interesar\b",
    r"^(?:lees|lees ook|leggi anche|leia (?:também|mais))\b",
    r"^(?:les|læs) (?:også|mer|mere)\s*:|^läs (?:också|mer)\s*:",
    r"^.{0,80}\bin unserem (?:live|news)-?blog\s*:?\s*$",
    r"^.{0,100}?\bclick (?:here )?to read more\b",
)

SOCIAL_OR_APP = _any_of(
    r"\bfollow us on\b|\bjoin us on (?:telegram|whatsapp|facebook)\b",
    r"\bdownload (?:our|the) (?:\w+ )?app\b|\bget (?:our|the) (?:\w+ )?app\b",
    r"\bpush (?:alerts|notifications)\b",
    r"\bподписывайтесь на (?:нас|наш)\b|\bнаш (?:телеграм|telegram)[- ]канал\b",
    r"\bпідписуйтесь на (?:нас|наш)\b|\bнаш (?:телеграм|telegram)[- ]канал\b",
    r"\bfolgen sie uns\b|\bsuivez-nous\b|\bsíguenos\b|\bunsere app\b",
    r"\bfolgst du (?:schon |uns )?.{0,30}\bauf (?:whatsapp|instagram|telegram|tiktok)\b",
    r"\bget in touch with our (?:news ?)?(?:team|desk|newsroom)\b",
    r"^fehler gefunden\?\s*jetzt melden\b",
)

COOKIE_NOTICE = _any_of(
    r"\b(?:we|this (?:web)?site) uses? cookies\b|\baccept (?:all )?cookies\b",
    r"\bcookie (?:policy|settings|preferences)\b|\bagree to (?:the|our) (?:privacy|terms)\b",
    r"\bмы используем (?:файлы )?cookie|\bми використовуємо (?:файли )?cookie",
    r"\bwir verwenden cookies\b|\bdatenschutzerklärung\b",
    r"\bnous utilisons des cookies\b|\butilizamos cookies\b",
    r"\bbrowser (?:is|wird) (?:no longer|nicht mehr) (?:supported|unterstützt)\b",
)

DONATION = Category(
    "donation",
    (
        "donat",
        "give now",
        "give today",
        "give here",
        "give to us",
        "give what you can",
        "please",
        "support",
        "contribut",
        "gift",
        "your help",
        "become a",
        "not ready",
        "remind me",
        "thank you for",
        "chip in",
        "coffee",
        "поддерж",
        "пожертв",
        "донат",
        "ваш",
        "нуждается",
        "підтрим",
        "патрон",
        "потребує",
        "unterstütz",
        "jetzt spenden",
        "ihr spende",
        "ihre spende",
        "spenden sie",
        "deine spende",
        "mitglied werden",
        "brauch",
        "souten",
        "un don",
        "soutien",
        "votre",
        "apoya",
        "donación",
        "dona ",
        "hazte",
        "apoyo",
        "aporte",
    ),
    DONATION_ASK,
)
SUBSCRIPTION = Category(
    "subscription",
    (
        "sign up",
        "signing up",
        "sign me up",
        "signing me up",
        "sign in now",
        "subscri",
        "register",
        "newsletter",
        "inbox",
        "mailbox",
        "never miss",
        "by clicking",
        "already a",
        "подпис",
        "рассылк",
        "підпис",
        "передплат",
        "розсилк",
        "abonn",
        "anmeld",
        "abmeld",
        "registrier",
        "postfach",
        "inscrivez",
        "suscrí",
        "suscriptor",
        "abbonati",
        "assine",
    ),
    SUBSCRIPTION_PROMPT,
)
PAYWALL = Category(
    "paywall",
    (
        "reading",
        "to read",
        "subscriber",
        "чтобы",
        "подписчик",
        "щоб",
        "передплатник",
        "weiterlesen",
        "abonnent",
        "nur mit",
        "nur im",
        "réservé",
        "il vous reste",
        "leyendo",
        "suscriptor",
    ),
    PAYWALL_TEASER,
)
SOCIAL = Category(
    "social",
    (
        "follow us",
        "join us",
        "download",
        "get our",
        "get the",
        "push alerts",
        "push notifications",
        "подписывайтесь",
        "телеграм",
        "telegram",
        "підписуйтесь",
        "folgen sie",
        "suivez",
        "síguenos",
        "folgst du",
        "get in touch",
        "fehler gefunden",
    ),
    SOCIAL_OR_APP,
)
COOKIE = Category("cookie", ("cookie", "privacy", "terms", "datenschutz", "browser"), COOKIE_NOTICE)
# Any stem of any category: the gate in front of the categories' own gates, which most
# paragraphs (more than two in three) fail
ANY_STEM = re.compile(
    _trie_pattern(
        {stem for c in (DONATION, SUBSCRIPTION, PAYWALL, SOCIAL, COOKIE) for stem in c.stems}
    )
)

# What a reader is told to do to attend an event or buy a product: registration and entry fees,
# tickets, carts, coupon codes (a discount alone is not one: outlets sell subscriptions at 50 %
# off too). Reporting on an event or a deal tells the reader to "register now" or "sign up" too,
# but for the organiser or the shop, not for the outlet.
LOGISTICS = _any_of(
    # en
    r"\b(?:entry|entrance|registration|admission|participation|booking|race|conference|event)"
    r" fees?\b|\btickets?\b|\badmission\b|\bearly[- ]bird\b|\bsecure your (?:place|spot|seat)\b",
    r"\bto attend\b|\borgani[sz]ers?\b",
    r"\bcheckout\b|\byour (?:cart|basket|first (?:order|delivery))\b|\bcoupon\b",
    r"\b(?:promo|discount|voucher) codes?\b|\bfree shipping\b|\bdeal price\b",
    # de
    r"\b(?:teilnahme|anmelde|start|eintritts)gebühr|\beintritt\b|\beintrittskarten?\b",
    r"\bwarenkorb\b|\b(?:gutschein|rabatt)code\b|\bversandkostenfrei\b",
    # ru / uk
    r"\b(?:стартовый |регистрационный |организационный )?взнос\b|\bбилет\w*|\bпромокод\w*",
    r"\b(?:стартовий |реєстраційний )?внесок\b|\bквитк\w*|\bкорзин\w*|\bкошик\w*",
    # fr / es
    r"\bfrais d'inscription\b|\bbillets?\b|\bpanier\b|\bcode promo\b",
    r"\bcuota de inscripción\b|\bentradas?\b|\bcarrito\b|\bcódigo de descuento\b",
)
# What an outlet's own subscription prompt or paywall speaks of, which logistics never do.
OUTLET_OFFER = _any_of(
    r"\bnewsletters?\b|\binbox\b|\bjournalism\b|\breporting\b|\bcontinue reading\b",
    r"\b(?:unlimited|digital|full) access\b|\bour (?:stories|articles|coverage|newsroom|work)\b",
    r"\bjournalismus\b|\bweiterlesen\b|\bartikel\b|\bjournalisme\b|\bperiodismo\b",
    r"\bжурналист\w*|\bредакци\w*|\bрассылк\w*|\bрозсилк\w*|\bредакці\w*",
)

# Button text glued to the end of a promotional paragraph.
CALL_TO_ACTION_AT_END = re.compile(
    r"(?:jetzt (?:unterstützen|spenden|abonnieren|mitmachen)|(?:donate|subscribe|join|give) now"
    r"|support us|поддержать|підтримати|faire un don|soutenir|donar|suscribirse)\s*[!.]?$"
)
LEGAL_NOTICE_STEMS = (
    "copyright",
    "©",
    "(c)",
    "rights reserved",
    "rechte vorbehalten",
    "права защищены",
    "права захищені",
    "droits réservés",
    "derechos reservados",
)
LEGAL_NOTICE = re.compile(
    r"^(?:copyright\b|©|\(c\) \d{4})|\ball rights reserved\b|\balle rechte vorbehalten\b"
    r"|\bвсе права защищены\b|\bвсі права захищені\b|\btous droits réservés\b"
    r"|\btodos los derechos reservados\b"
)

# A short line that only names a newsletter or subscription product: interface, not prose.
INTERFACE_LABEL = re.compile(
    r"^(?:[\w.+&-]+[ -]){0,5}(?:newsletters?|e-?mail alerts|subscriptions?|abonnements?"
    r"|abonnent\w*|abonnee|abonné|рассылк[аи]|розсилк[аи]|подписк[аи]|передплат[аи])"
    r"(?:[ :]+[\w&+ -]{0,40})?[!.]?$"
)
SUPPORT_HEADLINE = re.compile(
    r"^(?:support|donate to|give to|unterstütze|поддержите|підтримайте|soutenez|apoya)\b"
    r"(?! for\b| of\b)[^.?]{0,60}!?$"
    r"|^(?:\W+\s*)?(?:jetzt\s+)?\S+\s+(?:unterstützen|spenden)\s*!?$"
)
APPEAL_OPENER = re.compile(
    r"^(?:dear (?:readers?|friends?|subscribers?)|a (?:message|note) from\b|уважаемые читатели"
    r"|дорогие читатели|дорогие друзья|шановні читачі|дорогі читачі|liebe leserinnen"
    r"|liebe leser|chers lecteurs|chères lectrices|queridos lectores|estimados lectores)"
)
REPORTED_SPEECH = re.compile(
    r"\b(?:said|says|told|according to|added|urged|wrote|asked|заявил\w*|сказал\w*|сообщил\w*"
    r"|заявив|сказав|повідомив|sagte|sagt|erklärte|teilte|a déclaré|a dit|selon|dijo|afirmó"
    r"|según|explicó)\b"
)

# The outlet speaking as "we" to its readers: the voice of an appeal's middle paragraphs.
WE_VOICE = re.compile(
    r"\b(?:we|us|our|мы|нас|нам|наш\w*|ми|вас|наш\w*|wir|uns|unser\w*|nous|notre|nos"
    r"|nosotros|nuestr\w*)\b"
)
