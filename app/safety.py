"""Safety referral: a question that signals danger gets the contacts staff configured, first.

A migrant worker whose passport is held or who is locked in needs a person who can act, not a
quote from a statute; the answer still follows, but the notice comes first. The contacts come
only from settings (``safety_contacts``), written and checked by staff: a wrong hotline number
given to someone in danger is worse than none, so this module never holds a number of its own.

Signals are phrases rather than bare words wherever a word is ambiguous: "perdagangan" alone is
trade, "tolong jelaskan" is a polite "please explain", "pukul 10" is ten o'clock and "ancaman
pidana" is a statute's penalty. Patterns are matched case-insensitively at word boundaries, and
list the common inflections (di-/me- prefixes, -nya/-ku suffixes, English -s/-ed/-ing).
"""

from __future__ import annotations

import re

_P = (
    r"(?:saya|sy|aku|ku|kami|kita|gue|gw|dia|ia|istri|isteri|suami|anak|adik|kakak|ibu|ayah|teman|kawan|"
    r"keluarga|istriku|anakku|adikku|kakakku|temanku|ibuku)"
)
"""Indonesian persons a danger happens to (formal and informal pronouns, close relatives)."""
_WHO = (
    r"(?:majikan|bos|boss|juragan|agen|agensi|calo|sponsor|perusahaan|pt|penyalur|tekong|sindikat|mandor|"
    r"tauke|nyonya|tuan)(?:nya|ku)?"
)
"""Indonesian: who holds a worker's documents or wages."""
_WHO_EN = (
    r"(?:employers?|boss|agent|agents|agency|recruiters?|sponsors?|company|madam|manager|supervisor|"
    r"captain)(?:'s)?"
)
_DOC_ID = (
    r"(?:paspor|pasport|passport|dokumen|ktp|visa|izin kerja|permit|ijazah|buku pelaut|kitas|"
    r"surat[- ]surat)(?:nya|ku)?"
)
_DOC_EN = r"(?:passports?|documents?|papers|id cards?|identity cards?|ids?|visas?|work permits?|permits?)"
_ME_EN = r"(?:me|us|her|him|them|my (?:wife|husband|daughter|son|sister|brother|friend|mother|child))"
_OWN_EN = r"(?:my|our|her|his|their|the workers'?|workers'?)"
_PLACE_ID = r"(?:rumah|kamar|asrama|mes|penampungan|gedung|kapal|pabrik|tempat)"
_PLACE_EN = r"(?:house|room|home|premises|building|ship|boat|dormitory|hostel|shelter|factory|compound)"
_LEGAL_PENALTY = r"(?! (?:dengan )?(?:pidana|hukuman|sanksi|denda|penjara|kurungan))"
"""'ancaman pidana', 'diancam dengan pidana': a statute's penalty, not a threat to the reader."""

SIGNALS: dict[str, list[str]] = {
    "trafficking": [
        r"perdagangan (?:orang|manusia|anak|perempuan|wanita)",
        r"tppo",
        r"(?:di)?perdagangkan",
        r"human traffick\w*",
        r"traffick(?:ed|ing|er|ers)",
        r"kerja paksa",
        r"(?:di)?paksa(?:kan)? (?:untuk )?(?:bekerja|kerja|melayani|menjadi pelacur)",
        r"jerat(?:an)? (?:hutang|utang)",
        r"forced (?:labou?r|to work|prostitution|into prostitution)",
        r"debt bondage",
        r"slavery|enslaved",
        rf"{_P} (?:mau |akan |telah |sudah |hampir |pernah |sempat |bakal )?dijual",
        r"dijual (?:ke|kepada|oleh|sama|ama) (?:agen|calo|majikan|bos|sindikat|orang|luar negeri)",
        rf"sold {_ME_EN}",
        r"(?:i|we|she|he|they) (?:was|were|have been|has been|got) sold",
    ],
    "documents_confiscated": [
        rf"{_DOC_ID} (?:{_P} )?(?:masih |sedang |lagi |sudah |telah )?di(?:tahan|sita|ambil|pegang|simpan|"
        rf"rampas|kunci)(?:in)? (?:oleh |sama |ama )?{_WHO}",
        rf"{_DOC_ID} (?:{_P} )?(?:masih |sedang |lagi |sudah |telah )?(?:ditahan|disita|dirampas|diambil paksa|"
        rf"tidak dikembalikan|tidak diberikan|gak dikasih|nggak dikasih|ga dikasih)",
        rf"{_WHO} (?:{_P} )?(?:masih |sedang |lagi |sudah |telah )?(?:menahan|nahan|menyita|nyita|mengambil|"
        rf"ngambil|merampas|menyimpan|nyimpan|memegang|megang|tidak mengembalikan|tidak mau mengembalikan|"
        rf"gak mau mengembalikan|tidak memberikan)(?: \w+)? {_DOC_ID}",
        rf"(?:menahan|penahanan|menyita|penyitaan|merampas) {_DOC_ID}",
        rf"{_WHO_EN} (?:\w+ )?(?:took|takes|has taken|have taken|keeps?|kept|is keeping|confiscat\w*|"
        rf"withh[oe]lds?|withholding|holds?|is holding|held|seiz\w*|has|have) (?:away )?{_OWN_EN} {_DOC_EN}",
        rf"(?:they|he|she) (?:took|have taken|has taken|keeps?|kept|are keeping|is keeping|confiscated|"
        rf"withh[oe]ld|withholds|seized) (?:away )?{_OWN_EN} {_DOC_EN}",
        rf"(?:won'?t|will not|refus\w* to|doesn'?t|does not|don'?t|do not) (?:give|return|hand) (?:me |us |"
        rf"her |him )?(?:back )?{_OWN_EN} {_DOC_EN}",
        rf"{_OWN_EN} {_DOC_EN} (?:was|were|is|are|has been|have been|got|being) (?:taken|confiscated|withheld|"
        rf"kept|held|seized)",
        rf"confiscat\w* (?:of )?(?:the |my |our )?{_DOC_EN}",
    ],
    "confinement": [
        r"(?:di|ter)?sekap|menyekap|nyekap",
        r"(?:di|ter)kurung(?:in|i)?|(?:me)?ngurung(?:in)?",
        r"dikunci(?:in)? (?:di|dalam|dari luar)",
        rf"(?:tidak|tak|gak|ga|nggak|enggak|ndak) (?:boleh|bisa|diizinkan|diijinkan|diperbolehkan|dibolehkan|"
        rf"dikasih) keluar (?:dari )?{_PLACE_ID}",
        rf"dilarang keluar (?:dari )?{_PLACE_ID}",
        rf"locked (?:{_ME_EN} )?(?:in|up|inside)(?! (?:a |an |the |my |our |to |"
        rf"into )?(?:[\w-]+ ){{0,2}}(?:contracts?|agreements?|deals?|rates?|prices?)(?![\w']))",
        rf"(?:lock|locks|locking) {_ME_EN} (?:in|up)",
        rf"(?:can'?t|cannot|can not|not allowed to) leave (?:the |my |our )?{_PLACE_EN}",
        rf"(?:won'?t|will not|doesn'?t|does not|don'?t|do not) let {_ME_EN} (?:leave|go out|go outside)",
        r"(?:i'?m|i am|we'?re|we are|she is|he is) not allowed to (?:leave|go out)",
        r"(?:held|kept) (?:captive|prisoner|against (?:my|our|her|his|their) will)",
    ],
    "violence": [
        r"kekerasan",
        r"(?:di|ter)?pukul(?:i|in)|dipukul|memukul(?:i|in)?|mukul(?:i|in)?|pukulan",
        r"dianiaya|penganiayaan|menganiaya|aniaya",
        r"disiksa|penyiksaan|menyiksa|nyiksa",
        r"ditampar|menampar|ditendang|menendang|digebuk\w*|dihajar|menghajar|dilukai|melukai|disetrika|disundut",
        r"violen(?:ce|t)",
        rf"(?:beat|beats|beating|hit|hits|hitting|kick|kicks|kicked|kicking|slap|slaps|slapped|burn|burned|"
        rf"burnt|hurt|hurts|punch|punched|punches) {_ME_EN}",
        r"beaten|battered|assault\w*|tortur\w*",
    ],
    "abuse": [
        r"pelecehan|(?:di|me)lecehkan",
        r"(?:di|mem)perkosa|perkosa(?:an)?|pemerkosaan|memerkosa",
        r"(?:di|pen)cabul\w*|mencabuli",
        r"kekerasan seksual",
        r"abus(?:e|ed|es|ive|ing)",
        r"sexual(?:ly)? (?:abus\w*|harass\w*|assault\w*|exploit\w*)",
        r"harass(?:ed|ment|ing)",
        r"rap(?:e|ed|ing)",
        r"molest\w*",
    ],
    "threats": [
        rf"diancam{_LEGAL_PENALTY}",
        rf"(?:mengancam|ngancam|ngancem) (?:{_P}|akan|mau|bakal|untuk|membunuh|bunuh|melaporkan|lapor|"
        rf"memulangkan|deportasi)",
        rf"ancaman (?:dari |oleh )?(?:{_WHO}|pembunuhan|dibunuh|kekerasan|deportasi|dipenjara)",
        rf"threaten(?:s|ed|ing)? (?:{_ME_EN}|my family|to (?:kill|hurt|beat|report|deport|call|send))",
        r"(?:i|we|she|he|they) (?:was|were|am|are|is|have been|has been|got|get|am being|are being|'m being|'m|"
        r"'re) threatened",
        r"death threats?",
        rf"threats? (?:from|by) (?:my |our |the )?{_WHO_EN}",
    ],
    "unpaid_wages": [
        rf"(?:gaji|upah|bayaran)(?:nya|ku)? (?:{_P} )?(?:tidak|tak|belum|gak|ga|nggak|enggak|"
        rf"ndak) (?:di)?bayar(?:kan)?",
        rf"(?:gaji|upah)(?:nya|ku)? (?:{_P} )?(?:ditahan|tidak diberikan|tidak dikasih|gak dikasih)",
        r"(?:tidak|tak|belum|gak|ga|nggak|enggak) (?:di)?gaji",
        rf"{_WHO} (?:{_P} )?(?:tidak|tak|belum|gak|ga|nggak) (?:mau )?(?:membayar|bayar|menggaji|"
        rf"ngegaji) (?:gaji|upah|{_P})",
        r"unpaid (?:wages?|salary|salaries)",
        r"(?:wages?|salary|salaries|pay) (?:is|are|was|were|has been|have been|being) (?:withheld|not paid|unpaid)",
        r"(?:not|never) (?:been )?paid (?:my|our|her|his) (?:wages?|salary)",
        r"(?:haven'?t|hasn'?t|have not|has not|didn'?t|did not|don'?t|doesn'?t|does not|do not|won'?t|will not|"
        r"refus\w* to) (?:been )?(?:paid|pay) (?:me|us|her|him|my|our)",
        r"(?:i|we|she|he|they) (?:haven'?t|hasn'?t|have not|has not) been paid",
        r"withh[oe]ld\w* (?:my|our|her|his|their) (?:wages?|salary|pay)",
    ],
    "emergency": [
        r"darurat(?<!paspor darurat)(?<!dokumen darurat)(?<!dana darurat)(?<!surat darurat)(?<!perjalanan darurat)",
        r"emergency(?! (?:passports?|travel|certificates?|funds?|documents?))",
        r"tolo+ng+\s*!|tolo+ng+\s*$",
        r"tolo+ng+ (?:saya|aku|kami|kita|sy)\s*(?:!|$|\.)",
        r"tolo+ng+ (?:selamatkan|keluarkan|lepaskan)",
        r"toloo+ng+|tolong,? tolong",
        r"help\s*!|help (?:me|us)\s*(?:!|$|\.)|(?:save|rescue) (?:me|us)|get (?:me|us) out",
        r"dalam bahaya|nyawa (?:\w+ )?terancam|in danger|life is at risk",
        r"sos",
    ],
    "self_harm": [
        r"bunuh diri",
        r"(?:ingin|mau|pengen|pingin|kepengen) mati",
        r"mengakhiri hidup",
        r"menyakiti diri",
        r"(?:tidak|tak|gak|nggak) (?:ingin|mau|kuat) hidup lagi",
        r"suicid\w*",
        r"kill(?:ing)? (?:myself|herself|himself)",
        r"end (?:my|her|his) (?:own )?life",
        r"self[- ]harm\w*",
        r"hurt(?:ing)? myself",
        r"(?:want|wants|wanted) to die",
    ],
}
"""Danger signal patterns by category, Indonesian and English together (questions mix them)."""

_COMPILED = {
    category: re.compile(r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])", re.IGNORECASE)
    for category, patterns in SIGNALS.items()
}


def _normalise(question: str) -> str:
    """One space between words and straight apostrophes, so patterns need not spell variants."""
    text = (question or "").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def detect_danger(question: str) -> list[str]:
    """The danger categories a question signals, in a fixed order; empty for an ordinary question."""
    text = _normalise(question)
    return [category for category, pattern in _COMPILED.items() if pattern.search(text)]


_TEXT = {
    "id": {
        "intro": "Jika Anda atau orang lain sedang dalam bahaya, segera cari bantuan. Anda tidak sendirian.",
        "contacts": "Hubungi:",
        "general": "Hubungi polisi setempat, Kedutaan Besar atau Konsulat Republik Indonesia terdekat, atau "
        "organisasi yang Anda percayai (misalnya serikat pekerja atau lembaga bantuan hukum).",
        "after": "Informasi di bawah ini berasal dari dokumen dan tidak menggantikan bantuan langsung.",
    },
    "en": {
        "intro": "If you or someone else is in danger, please get help now. You are not alone.",
        "contacts": "Contact:",
        "general": "Contact the local police, the nearest embassy or consulate of your country, or an "
        "organisation you trust (such as a trade union or a legal aid group).",
        "after": "The information below comes from documents and does not replace direct help.",
    },
}


def _contacts(settings, language: str) -> list[str]:
    if language == "en" and settings.safety_contacts_en:
        return [c.strip() for c in settings.safety_contacts_en if c.strip()]
    return [c.strip() for c in settings.safety_contacts if c.strip()]


def referral_notice(question: str, language: str, settings) -> str | None:
    """Plain text to show before the answer when the question signals danger, else None."""
    if not settings.safety_referral or not detect_danger(question):
        return None
    language = language if language in _TEXT else "id"
    text = _TEXT[language]
    lines = [text["intro"]]
    contacts = _contacts(settings, language)
    if contacts:
        lines.append(text["contacts"])
        lines.extend(f"- {contact}" for contact in contacts)
    lines.append(text["general"])
    lines.append(text["after"])
    return "\n".join(lines)


def with_referral(payload: dict, question: str, settings) -> dict:
    """An answer's `kb ask --json` dict with its ``referral``: the notice when the question signals
    danger, else None. The command line and the web API give the same JSON, so an API client
    gets the referral the chat page shows."""
    payload["referral"] = referral_notice(question, str(payload.get("language") or "id"), settings)
    return payload
