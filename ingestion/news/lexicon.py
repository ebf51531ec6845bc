"""Per-language cue words of the extractor, as regexes over folded (accent-free) text.

A trigger is a verb form of signing, ratifying or acceding. Its form gives the tense: past
participles and past tenses are accomplished acts ("past"); future, conditional and
infinitives ("will sign", "autorisé à signer", "va firmar") are intentions ("future").
Vietnamese patterns keep their diacritics (see text.fold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Trigger:
    """A verb form that reports a treaty action."""

    pattern: re.Pattern[str]
    action: str
    tense: str  # past | future | infinitive (tense decided by its context)


def _t(regex: str, action: str, tense: str) -> Trigger:
    return Trigger(re.compile(rf"(?<!\w)(?:{regex})(?!\w)"), action, tense)


def _tz(regex: str, action: str, tense: str) -> Trigger:
    """Chinese: no spaces, so no word boundaries."""
    return Trigger(re.compile(regex), action, tense)


def _ta(regex: str, action: str, tense: str) -> Trigger:
    """Arabic: a word may carry the prefixes و/ف (and), and pronoun suffixes."""
    return Trigger(re.compile(rf"(?<!\w)(?:و|ف)?(?:{regex})\w*"), action, tense)


_SIGN, _RAT, _ACC = "signature", "ratification", "accession"

TRIGGERS: dict[str, tuple[Trigger, ...]] = {
    "fr": (
        _t(r"(?:adopte|approuve|vote|promulgue|signe)\w* (?:\S+ ){0,4}(?:loi|projet de loi|"
           r"decret) (?:\S+ ){0,2}ratification", _RAT, "past"),
        _t(r"signataires?", _SIGN, "past"),
        _t(r"(?:a|ont) appose (?:sa|leur) signature", _SIGN, "past"),
        _t(r"(?:a|ont) depose (?:son|leur|l')\s*instruments? de (?:ratification|"
           r"d'acceptation|d'approbation)", _RAT, "past"),
        _t(r"(?:a|ont) depose (?:son|leur|l')\s*instruments? d'adhesion", _ACC, "past"),
        _t(r"sign(?:e|ee|es|ees|a|erent|ent)", _SIGN, "past"),
        _t(r"sign(?:era|eront|erait|eraient)", _SIGN, "future"),
        _t(r"signer", _SIGN, "infinitive"),
        _t(r"ratifi(?:e|ee|es|ees|a|erent|ent)", _RAT, "past"),
        _t(r"ratifi(?:era|eront|erait|eraient)", _RAT, "future"),
        _t(r"ratifier", _RAT, "infinitive"),
        _t(r"adhere|adhera|adhererent", _ACC, "past"),
        _t(r"adherera|adhereront", _ACC, "future"),
        _t(r"adherer", _ACC, "infinitive"),
    ),
    "en": (
        _t(r"(?:approved|adopted|passed|signed|enacted) (?:\S+ ){0,4}(?:law|bill|decree|act) "
           r"(?:\S+ ){0,2}ratif\w*|(?:approved|adopted|passed|signed|enacted) (?:\S+ ){0,3}"
           r"ratification (?:law|bill|decree|act)", _RAT, "past"),
        _t(r"signator(?:y|ies)", _SIGN, "past"),
        _t(r"put (?:its|their) signatures? (?:to|on)", _SIGN, "past"),
        _t(r"deposited (?:its|their|the) instruments? of (?:ratification|acceptance|approval)",
           _RAT, "past"),
        _t(r"deposited (?:its|their|the) instruments? of accession", _ACC, "past"),
        _t(r"signed|signs", _SIGN, "past"),
        _t(r"sign", _SIGN, "infinitive"),
        _t(r"ratified|ratifies", _RAT, "past"),
        _t(r"ratify", _RAT, "infinitive"),
        _t(r"acceded|accedes", _ACC, "past"),
        _t(r"accede", _ACC, "infinitive"),
    ),
    "es": (
        _t(r"(?:aprob|firm|promulg|vot|sancion)\w* (?:\S+ ){0,4}(?:ley|proyecto de ley|decreto) "
           r"(?:\S+ ){0,2}ratific\w*", _RAT, "past"),
        _t(r"firmantes?|signatarios?", _SIGN, "past"),
        _t(r"deposit(?:o|aron) (?:su|sus|el) instrumentos? de (?:ratificacion|aceptacion|"
           r"aprobacion)", _RAT, "past"),
        _t(r"deposit(?:o|aron) (?:su|sus|el) instrumentos? de adhesion", _ACC, "past"),
        _t(r"firm(?:o|aron|ado|ada|ados|adas|an)", _SIGN, "past"),
        _t(r"firm(?:ara|aran|aria|arian)", _SIGN, "future"),
        _t(r"firmar", _SIGN, "infinitive"),
        _t(r"ratific(?:o|aron|ado|ada|ados|adas|an)", _RAT, "past"),
        _t(r"ratific(?:ara|aran|aria|arian)", _RAT, "future"),
        _t(r"ratificar", _RAT, "infinitive"),
        _t(r"adhir(?:io|ieron)|adherido", _ACC, "past"),
        _t(r"adherira|adheriran", _ACC, "future"),
        _t(r"adherirse|adherir", _ACC, "infinitive"),
    ),
    "pt": (
        _t(r"(?:aprov|assin|promulg|sancion)\w* (?:\S+ ){0,4}(?:lei|projeto de lei|decreto) "
           r"(?:\S+ ){0,2}ratifica\w*", _RAT, "past"),
        _t(r"signatarios?", _SIGN, "past"),
        _t(r"assin(?:ou|aram|ado|ada|ados|adas|am)", _SIGN, "past"),
        _t(r"assin(?:ara|arao|aria|ariam)", _SIGN, "future"),
        _t(r"assinar", _SIGN, "infinitive"),
        _t(r"ratific(?:ou|aram|ado|ada|ados|adas|am)", _RAT, "past"),
        _t(r"ratific(?:ara|arao|aria|ariam)", _RAT, "future"),
        _t(r"ratificar", _RAT, "infinitive"),
        _t(r"aderiu|aderiram|aderido", _ACC, "past"),
        _t(r"aderir", _ACC, "infinitive"),
    ),
    "it": (
        _t(r"(?:approvat|firmat|promulgat|votat)\w* (?:\S+ ){0,4}(?:legge|disegno di legge|"
           r"decreto) (?:\S+ ){0,2}ratifica\w*", _RAT, "past"),
        _t(r"firmatari[oa]?|paesi firmatari", _SIGN, "past"),
        _t(r"firm(?:ato|ata|ati|ate|o|arono|ano)", _SIGN, "past"),
        _t(r"firm(?:era|eranno|erebbe|erebbero)", _SIGN, "future"),
        _t(r"firmare", _SIGN, "infinitive"),
        _t(r"ratificat[oaie]|ratifico|ratificarono", _RAT, "past"),
        _t(r"ratifichera|ratificheranno", _RAT, "future"),
        _t(r"ratificare", _RAT, "infinitive"),
        _t(r"aderito|adeito|aderirono", _ACC, "past"),
        _t(r"aderire", _ACC, "infinitive"),
    ),
    "de": (
        _t(r"(?:verabschiedet|beschlossen|gebilligt|unterzeichnet)\w* (?:\S+ ){0,4}"
           r"ratifizierungs(?:gesetz|urkunde)\w*", _RAT, "past"),
        _t(r"unterzeichner(?:staaten|landern|n)?", _SIGN, "past"),
        _t(r"unterschrift (?:\S+ ){0,6}gesetzt", _SIGN, "past"),  # "seine Unterschrift gesetzt"
        _t(r"unterzeichnet(?:e|en)?|unterschrieben|unterschrieb|unterzeichneten", _SIGN, "past"),
        _t(r"unterzeichnen|unterschreiben", _SIGN, "infinitive"),
        _t(r"ratifiziert(?:e|en)?", _RAT, "past"),
        _t(r"ratifizieren", _RAT, "infinitive"),
        _t(r"beigetreten|trat\w* bei", _ACC, "past"),
        _t(r"beitreten", _ACC, "infinitive"),
    ),
    "ru": (
        _t(r"(?:одобрил|принял|подписал|утвердил|ратифицировал)\w* (?:\S+ ){0,4}закон\w* "
           r"(?:\S+ ){0,1}ратификаци\w*|(?:одобрил|принял|подписал|утвердил)\w* (?:\S+ ){0,3}"
           r"ратификаци\w*", _RAT, "past"),
        _t(r"подписант\w*|подписавши\w*", _SIGN, "past"),
        _t(r"подписал(?:а|и|о)?", _SIGN, "past"),
        _t(r"подпишет|подпишут", _SIGN, "future"),
        _t(r"подписать", _SIGN, "infinitive"),
        _t(r"ратифицировал(?:а|и|о)?", _RAT, "past"),
        _t(r"ратифицирует|ратифицируют", _RAT, "future"),
        _t(r"ратифицировать", _RAT, "infinitive"),
        _t(r"присоединил(?:ась|ись|ся)", _ACC, "past"),
        _t(r"присоединит(?:ся)?|присоединятся", _ACC, "future"),
    ),
    "vi": (
        _t(r"đã ký(?: kết)?|đã ký vào", _SIGN, "past"),
        _t(r"sẽ ký(?: kết)?", _SIGN, "future"),
        # "lễ ký" is the signing ceremony, "mở ký" the opening for signature
        _t(r"(?<!lễ )(?<!mở )ký(?: kết| vào)?", _SIGN, "past"),
        _t(r"(?:đã )?phê chuẩn", _RAT, "past"),
        _t(r"sẽ phê chuẩn", _RAT, "future"),
        _t(r"(?:đã )?gia nhập", _ACC, "past"),
    ),
    "zh": (
        _tz(r"(?:将|将会|将要|计划|准备|有望|打算|拟)(?:于\S{0,6})?签署", _SIGN, "future"),
        _tz(r"(?:将|将会|将要|计划|准备|有望|打算|拟)批准", _RAT, "future"),
        _tz(r"签署了?|签字|签约|签署国", _SIGN, "past"),
        _tz(r"批准了?|核准", _RAT, "past"),
        _tz(r"加入了?", _ACC, "past"),
    ),
    "ar": (
        _ta(r"سيوقع|ستوقع|سوف توقع|سوف يوقع|تعتزم التوقيع|تنوي التوقيع|نيتها التوقيع", _SIGN,
            "future"),
        _ta(r"سيصادق|ستصادق|سوف تصادق|سوف يصادق", _RAT, "future"),
        _ta(r"وقع|توقيع|الموقعه", _SIGN, "past"),
        _ta(r"صادق|صدق|تصديق|المصادقه", _RAT, "past"),
        _ta(r"انضم", _ACC, "past"),
    ),
}

# Before an infinitive: these make it an accomplished act ("vient de signer", "did not sign").
INFINITIVE_PAST = {
    "fr": r"(?:vien\w*|venai\w*) d[e']|(?:pas|n'a|n'ont) (?:pu|voulu)(?: l[ae']| les)?\s*$",
    "en": (r"(?:did|does|do|yet to|refused to|declined to|failed to|could not|couldn't|"
           r"was unable to|were unable to)(?: not)?\s*$"),
    "es": (r"(?:acab\w+ de|se neg\w+ a|rechaz\w+|\bal|no pud\w+|no quis\w+)\s*$"),
    "pt": r"(?:acab\w+ de|recus\w+ a|nao pode|nao puderam|nao conseguiu|nao conseguiram)\s*$",
    "it": r"(?:rifiutat\w+ di|non (?:ha|hanno) potuto)\s*$",
    "de": r"(?:konnte|wollte)\w*\b[^.]{0,40}$",  # "konnte die Konvention nicht unterzeichnen"
    "ru": r"(?:отказал\w*|не смогл?\w*)\s*$",
    "vi": r"$^",
    "zh": r"$^",
    "ar": r"$^",
}

# Negation shortly before the trigger (same clause).
NEGATION = {
    "fr": r"(?:\bpas|\bjamais|\bni|\bnon|refus\w*\s+de|\bpas encore)\b[\w\s']{0,25}$",
    "en": (r"(?:\bnot|n't|\bnever|\bno|yet to|refus\w*\s+to|declin\w*\s+to|fail\w*\s+to)\b"
           r"[\w\s']{0,20}$"),
    "es": r"(?:\bno|\bnunca|\btampoco|\bni|se neg\w+ a|rechaz\w+)\b[\w\s]{0,20}$",
    "pt": r"(?:\bnao|\bnunca|\bnem|recus\w+ a)\b[\w\s]{0,20}$",
    "it": r"(?:\bnon|\bmai)\b[\w\s']{0,20}$",
    "de": r"(?:\bnicht|\bnie|\bkein\w*)\b[\w\s]{0,30}$",
    "ru": r"(?:\bне|\bотказал\w*)\s+(?:\w+\s+)?$",
    "vi": r"(?:chưa|không|từ chối)\s+(?:\w+\s+)?$",
    "zh": r"(?:未|没有|尚未|拒绝|不)\S{0,2}$",
    "ar": r"(?:\bلم|\bلن|\bلا|رفض\w*)\s+(?:\w+\s+)?$",
}

# Count nouns: what a number counts. "signatories" implies the action itself.
COUNT_NOUNS = {
    "fr": r"(?:pays|etats(?: membres)?|nations|gouvernements|signataires|ratifications|signatures)",
    "en": (r"(?:countries|states|member states|nations|governments|signatories|ratifications|"
           r"signatures|state|country|national)"),  # "50 state ratifications"
    "es": r"(?:paises|estados(?: miembros)?|naciones|gobiernos|signatarios|ratificaciones|firmas)",
    "pt": r"(?:paises|estados(?: membros)?|nacoes|governos|signatarios|ratificacoes|assinaturas)",
    "it": r"(?:paesi|stati(?: membri)?|nazioni|governi|firmatari|ratifiche|firme)",
    "de": (r"(?:lander|staaten|mitgliedstaaten|regierungen|nationen|unterzeichner(?:staaten)?|"
           r"ratifikationen)"),
    "ru": r"(?:стран\w*|государств\w*)",
    "vi": r"(?:quốc gia|nước)",
    "zh": r"(?:个国家|個國家|国家|國家|个成员国|国|國)",
    "ar": r"(?:دوله|دول|بلدا|بلدان|بلد)",
}
NOUN_ACTION = {
    "signataires": _SIGN, "signataire": _SIGN, "signatures": _SIGN, "signatories": _SIGN,
    "signatory": _SIGN, "signatarios": _SIGN, "firmas": _SIGN, "assinaturas": _SIGN,
    "firmatari": _SIGN, "firme": _SIGN, "unterzeichner": _SIGN,
    "ratifications": _RAT, "ratificaciones": _RAT, "ratificacoes": _RAT, "ratifiche": _RAT,
    "ratifikationen": _RAT, "firmantes": _SIGN, "unterzeichnerstaaten": _SIGN,
}

QUALIFIERS = {
    "approximate": r"(?:pres de|presque|environ|quelque|a peu pres|pratiquement|nearly|almost|"
    r"about|around|some|roughly|approximately|close to|casi|cerca de|alrededor de|unos|unas|"
    r"aproximadamente|quase|cerca de|aproximadamente|circa|quasi|fast|etwa|rund|knapp|"
    r"почти|около|примерно|gần|khoảng|gan|khoang|近|约|大约|将近|接近|ما يقرب من|نحو|حوالي|قرابه|"
    r"زهاء)",
    "at_least": r"(?:plus de|au moins|pas moins de|more than|over|at least|no fewer than|"
    r"mas de|al menos|por lo menos|mais de|pelo menos|piu di|almeno|oltre|mehr als|"
    r"mindestens|uber|более|больше|не менее|свыше|hơn|trên|ít nhất|逾|超过|超|多于|至少|"
    r"اكثر من|ما يزيد عن|ما يزيد على)",
    "at_most": r"(?:moins de|fewer than|less than|under|menos de|meno di|weniger als|менее|"
    r"dưới)",
}

# "Brazil and 59 other countries": the others are counted as written.
OTHERS_BEFORE_NOUN = (r"(?:other|others|autres|otros|outros|altri|andere|weitere|других|"
                      r"其他|اخري|اخرى)")
# After a trigger: the thing signed is not a treaty ("signed a letter", "a protocol").
OTHER_OBJECT = (r"^\s+(?:(?:a|an|the|its|their|une?|la|le|les|sa|leur|una?|el|los|las|su|"
                r"um|uma|o|os|as|ein\w*|die|den)\s+)?(?:\w+\s+)?(?:joint\s+|open\s+)?"
                r"(?:letter|lettre|carta|brief|письмо|protocol|protocole|protocolo|protokoll|"
                r"протокол|petition|petici\w+|declaration|memorandum)\b")

# Before a number: it counts an increment or a part, not a total ("an additional two States").
INCREMENT_BEFORE = (r"(?:additional|another|further|new|more|autres|supplementaires|nouveaux|"
                    r"adicionales|otros|nuevos|mais|outros|altri|ulteriori|weitere|"
                    r"дополнительн\w*|ещё|еще|thêm)\s+$")
# "the number of ratifications ... to 28", "the total number of States Parties ... reached 76"
NUMBER_OF = {
    "en": (r"(?:number|total) of (?:\w+\s+){0,2}(?P<noun>ratifications|signatures|signatories|"
           r"parties|states parties|states that are now parties)\b.{0,60}?\b(?:to|reached|"
           r"stands at|is now|at)\s+(?P<number>\d{1,3})\b"),
    "fr": (r"nombre (?:total )?(?:de |d')(?P<noun>ratifications|signatures|signataires|"
           r"etats parties)\b.{0,60}?\b(?:a|atteint)\s+(?P<number>\d{1,3})\b"),
    "es": (r"numero (?:total )?de (?P<noun>ratificaciones|firmas|firmantes|signatarios|"
           r"estados partes)\b.{0,60}?\b(?:a|asciende a|alcanza|llega a)\s+"
           r"(?P<number>\d{1,3})\b"),
}
NUMBER_OF_ACTION = {"ratifications": _RAT, "parties": _RAT, "states parties": _RAT,
                    "states that are now parties": _RAT, "etats parties": _RAT,
                    "estados partes": _RAT, "ratificaciones": _RAT}

# A threshold of entry into force, not a count of what happened.
THRESHOLD = (r"(?:en(?:trera|trer|tre)? en vigueur|enters? into force|entry into force|"
             r"entrara en vigor|entrar en vigor|entrara em vigor|in vigore|in kraft|"
             r"вступ\w+ в силу|có hiệu lực|une fois que|des que|once|after the|requires?|"
             r"necessaires?|necessary|required|needed|needs?|necesita\w*|necessit\w*|requier\w*|requis|"
             r"braucht|una vez que|tras la|depois de|nachdem|sobald|生效|后|بمجرد|حيز التنفيذ|"
             r"يتطلب|بعد تصديق)")
# Attendance: countries present, not countries acting.
ATTENDANCE = (r"(?:particip\w*|assist\w*|attend\w*|present\w*|represent\w*|delegations?|"
              r"delegaciones|asistier\w*|accueill\w*|attir\w*|reuni\w*|gathered|"
              r"confirm\w* (?:la|leur) participation|teilgenommen|присутств\w*|tham dự|出席|参加|"
              r"与会|حضور|بحضور|وفود|مشارك\w*|شارك\w*)")
# Hopes and plans turn a count or an act into a future one.
HOPE = (r"(?:esper\w*|hope\w*|expect\w*|devrai\w*|devr\w*|pourrai\w*|prevu\w*|prevoi\w*|"
        r"attend(?:u|ons)\w*|objectif|target|goal|aim\w*|souhait\w*|wish\w*|plan\w*|"
        r"prevé\w*|previst\w*|erwart\w*|hoff\w*|ожида\w*|надея\w*|kỳ vọng|hy vọng|希望|预计|"
        r"期待|有望|يتوقع|المتوقع|نامل|تامل)")

# Words that mean the sentence is about some other agreement.
OTHER_AGREEMENT = (r"(?:accords?|agreements?|memorandums?|protocole d'accord|contrats?|"
                   r"acuerdos?|contratos?|accordi|abkommen|vertrag|соглашени\w*|hợp đồng|"
                   r"biên bản|deals?|mou)")
TREATY_WORDS = (r"(?:conventions?|traites?|treat(?:y|ies)|convenios?|convencion(?:es)?|"
                r"tratados?|convenzione|ubereinkommen|konvention|конвенци\w*|công ước|"
                r"instruments?|texte|documents?|accord de hanoi)")
_CLAUSE_SPLIT = (
    r";|:|\s-\s|,?\s(?:mais|tandis que|alors que|but|while|whereas|pero|mientras|"
    r"enquanto|mentre|aber|während|но|nhưng|{extra})\s|,\s(?:dont|including|among them|"
    r"de los cuales|entre ellos|dos quais|tra cui|darunter|в том числе|trong đó)\s|"
    r"[；：，、]|،"
)
# "mas" is Portuguese "but" and Spanish "más" (more) once folded; "ma", "а" likewise.
_OWN_CONJUNCTIONS = {"pt": "mas", "it": "ma", "ru": "а"}
CLAUSE_SPLIT = {lang: re.compile(_CLAUSE_SPLIT.format(extra=_OWN_CONJUNCTIONS.get(lang, "$^")))
                for lang in ("ar", "zh", "en", "fr", "ru", "es", "vi", "pt", "de", "it")}
# Separators after which a bare list still belongs to the previous clause's verb:
# "signed it with five EU members: Austria, Italy", "ratified it - Fiji, Nepal and Peru".
LIST_SEPARATOR = re.compile(
    r"^(?:;|:|\s-\s|,\s(?:including|among them|dont|de los cuales|entre ellos|dos quais|"
    r"tra cui|darunter|в том числе|trong đó)\s|[：、，])$")
LOCATION_BEFORE = {
    "fr": r"(?:\ba|\bau|\baux|\ben|\bdans|\bvers|\bavec|\bpour)\s+(?:la |le |les |l')?$",
    "en": (r"(?:(?:\bin|\bat|\bto|(?<!along )(?<!together )\bwith|\bfor|\bagainst)\s+(?:the )?"
           r"|\bin \w+,\s*)$"),
    "es": r"(?:\ben|\ba|\bcon|\bpara|\bhacia)\s+(?:la |el |los )?$",
    "pt": r"(?:\bem|\bno|\bna|\ba|\bcom|\bpara)\s+$",
    "it": r"(?:\bin|\ba|\bcon|\bper)\s+$",
    "de": r"(?:\bin|\bim|\bmit|\bnach|\bfur)\s+$",
    "ru": r"(?:\bв|\bво|\bс|\bдля)\s+$",
    "vi": r"(?:\btại|\bở|\bvới)\s+$",
    "zh": r"(?:在|于|赴|到)\s*$",
    "ar": r"(?:\bفي|\bالى|\bمن|عاصمه)\s+$",  # "في هانوي عاصمة فيتنام": a place
}

# "Germany said that many countries have not signed": the country spoke of others. A
# reporting verb followed by other actors, between a country and the verb, unbinds them.
SPOKE_OF_OTHERS = (
    r"(?:said|says|stated|noted|warned|declared|regrets?|regretted|dit|a declare|a indique|"
    r"a regrette|dijo|afirmo|declaro|lamento|disse|afirmou|ha detto|ha dichiarato|sagte|"
    r"erklarte|bedauerte|заявил\w*|сказал\w*|отметил\w*|表示|说|指出|قال\w*|اكد\w*|"
    r"cho biết|nói)\b.{0,40}?\b(?:other|others|many|several|some|countries|states|nations|"
    r"autres|plusieurs|pays|etats|otros|varios|paises|estados|outros|altri|paesi|stati|andere|"
    r"lander|staaten|други\w*|многие|стран\w*|государств\w*|其他|许多|国家|دول|الدول|"
    r"nhiều|các nước|quốc gia)\b")

# A derived adjective ("biélorusse", "Russian") names an actor only beside a role noun:
# "le ministre biélorusse", "the Russian delegation" - not "les médias russes".
ROLE_NOUNS = {
    "fr": r"(?:ministres?|vice-ministres?|delegations?|gouvernements?|presidents?|"
    r"representants?|ambassadeurs?|procureurs?|chefs? de la diplomatie|autorites)",
    "en": r"(?:ministers?|delegations?|governments?|presidents?|representatives?|"
    r"ambassadors?|envoys?|officials?|authorities|prosecutors?)",
    "es": r"(?:ministros?|ministras?|delegacion(?:es)?|gobiernos?|presidentes?|"
    r"representantes?|embajador(?:es)?|cancilleres?|autoridades)",
    "pt": r"(?:ministros?|delegacao|governos?|presidentes?|representantes?|embaixador)",
    "it": r"(?:ministr[oi]|delegazion[ei]|govern[oi]|president[ei]|rappresentant[ei])",
}
# "a country to sign" after "the first": the act is done unless the clause says it is ahead.
ORDINAL_INFINITIVE = {
    "fr": r"(?:pays|etats?|nations?)\s+a\s*$",
    "en": r"(?:country|state|nation|countries|states|first|among the first)\s+to\s*$",
    "es": r"(?:pais(?:es)?|estados?|nacion(?:es)?)\s+en\s*$",
    "pt": r"(?:pais(?:es)?|estados?)\s+a\s*$",
    "it": r"(?:paes[ei]|stat[oi])\s+a\s*$",
}
FUTURE_MARKERS = (r"\b(?:sera|seront|will|shall|sera|seran|sera|serao|sara|saranno|"
                  r"devrait|should|deberia|deve|dovrebbe|espere\w*|hope\w*|esper\w*)\b")
# Elliptic negation closing a clause: "..., but Canada did not", "pero Canadá no".
ELLIPTIC_NEGATION = {
    "en": r"\b(?:did|has|have|had|does|do|will)\s*(?:not|n't)\W*$",
    "fr": r"\b(?:pas|non)\W*$",
    "es": r"\bno\W*$",
    "pt": r"\bnao\W*$",
    "it": r"\bno\W*$",
    "de": r"\bnicht\W*$",
}

# Stems every trigger of a language contains (checked by tests/unit/test_news_languages.py):
# most clauses hold none, and one plain search rules them out before each trigger is tried.
TRIGGER_STEMS = {
    "fr": "sign|ratif|adher|depose",
    "en": "sign|ratif|acced|deposited",
    "es": "firm|ratific|adher|adhir|deposit|signatar",
    "pt": "assin|ratific|aderi|signatar",
    "it": "firm|ratific|aderi|adeito",
    "de": "unterz|unterschr|ratifi|beigetreten|trat|beitreten",
    "ru": "подпи|ратифи|присоедин",
    "vi": "ký|phê chuẩn|gia nhập",
    "zh": "签|批准|核准|加入",
    "ar": "وقع|توقيع|الموقعه|صادق|صدق|تصديق|المصادقه|انضم|سيوقع|ستوقع|توقع|يوقع|سيصادق|ستصادق"
          "|تصادق|يصادق",
}
ANY_TRIGGER = {lang: re.compile(stems) for lang, stems in TRIGGER_STEMS.items()}
