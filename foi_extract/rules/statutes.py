"""The statute table: which section numbers are grounds for withholding, and their titles.

A section that is not in this table (Mental Health Act s.117, FOIA s.1 duty, s.50 appeals)
can never be reported as an applied exemption: that single fact removes most false positives.
"""

from __future__ import annotations

FOIA_GROUNDS: dict[str, str] = {
    "12": "Cost of compliance exceeds appropriate limit",
    "14": "Vexatious or repeated requests",
    "21": "Information accessible to applicant by other means",
    "22": "Information intended for future publication",
    "22A": "Research information",
    "23": "Information supplied by, or relating to, bodies dealing with security matters",
    "24": "National security",
    "26": "Defence",
    "27": "International relations",
    "28": "Relations within the United Kingdom",
    "29": "The economy",
    "30": "Investigations and proceedings conducted by public authorities",
    "31": "Law enforcement",
    "32": "Court records",
    "33": "Audit functions",
    "34": "Parliamentary privilege",
    "35": "Formulation of government policy",
    "36": "Prejudice to effective conduct of public affairs",
    "37": "Communications with Her Majesty and honours",
    "38": "Health and safety",
    "39": "Environmental information",
    "40": "Personal information",
    "41": "Information provided in confidence",
    "42": "Legal professional privilege",
    "43": "Commercial interests",
    "44": "Prohibitions on disclosure",
}


EIR_GROUNDS: dict[str, str] = {
    "12(4)(a)": "Information not held",
    "12(4)(b)": "Manifestly unreasonable request",
    "12(4)(c)": "Request formulated in too general a manner",
    "12(4)(d)": "Material in course of completion, unfinished documents or incomplete data",
    "12(4)(e)": "Internal communications",
    "12(5)(a)": "International relations, defence, national security or public safety",
    "12(5)(b)": "Course of justice and inquiries",
    "12(5)(c)": "Intellectual property rights",
    "12(5)(d)": "Confidentiality of proceedings",
    "12(5)(e)": "Confidentiality of commercial or industrial information",
    "12(5)(f)": "Interests of the person who provided the information",
    "12(5)(g)": "Protection of the environment",
    "12(3)": "Personal data",
    "13": "Personal data",
    "6": "Information already publicly available",
}

FOISA_GROUNDS: dict[str, str] = {
    "12": "Excessive cost of compliance",
    "14": "Vexatious or repeated requests",
    "25": "Information otherwise accessible",
    "26": "Prohibitions on disclosure",
    "27": "Information intended for future publication",
    "28": "Relations within the United Kingdom",
    "29": "Formulation of Scottish Administration policy",
    "30": "Prejudice to effective conduct of public affairs",
    "31": "National security and defence",
    "32": "International relations",
    "33": "Commercial interests and the economy",
    "34": "Investigations by Scottish public authorities and proceedings",
    "35": "Law enforcement",
    "36": "Confidentiality",
    "37": "Court records",
    "38": "Personal information",
    "39": "Health, safety and the environment",
    "40": "Audit functions",
    "41": "Communications with Her Majesty and honours",
}

US_GROUNDS: dict[str, str] = {
    "b1": "Classified national defense or foreign policy information",
    "b2": "Internal personnel rules and practices",
    "b3": "Information exempted by another statute",
    "b4": "Trade secrets and confidential commercial information",
    "b5": "Privileged inter- or intra-agency communications",
    "b6": "Personal privacy (personnel, medical and similar files)",
    "b7": "Records compiled for law enforcement purposes",
    "b8": "Financial institution examination reports",
    "b9": "Geological and geophysical information on wells",
}

IL_GROUNDS: dict[str, str] = {
    "7": "Exemptions (5 ILCS 140/7)",
    "7.5": "Statutory exemptions (5 ILCS 140/7.5)",
}

# Michigan FOIA (MCL 15.231 et seq.): MCL 15.243 compiles section 13, the exemptions.
MI_GROUNDS: dict[str, str] = {"13": "Exemptions from disclosure (MCL 15.243)"}

DC_GROUNDS: dict[str, str] = {"2-534": "Exemptions from disclosure (D.C. Official Code § 2-534)"}

AU_GROUNDS: dict[str, str] = {
    "7": "Exemption of certain persons and bodies",
    "22": "Access to edited copies with exempt or irrelevant matter deleted",
    "33": "Documents affecting national security, defence or international relations",
    "34": "Cabinet documents",
    "37": "Documents affecting enforcement of law and protection of public safety",
    "38": "Documents to which secrecy provisions of enactments apply",
    "42": "Documents subject to legal professional privilege",
    "45": "Material obtained in confidence",
    "46": "Documents disclosure of which would be contempt of Parliament or court",
    "47": "Documents disclosing trade secrets or commercially valuable information",
    "47B": "Commonwealth-State relations",
    "47C": "Public interest conditional exemptions: deliberative processes",
    "47D": "Financial or property interests of the Commonwealth",
    "47E": "Certain operations of agencies",
    "47F": "Personal privacy",
    "47G": "Business",
    "47H": "Research",
    "47J": "The economy",
    "24A": "Requests may be refused if documents cannot be found, do not exist or have not been received",
}

_TABLES: dict[str, dict[str, str]] = {
    "FOIA": FOIA_GROUNDS,
    "FOISA": FOISA_GROUNDS,
    "US-FOIA": US_GROUNDS,
    "IL-FOIA": IL_GROUNDS,
    "MI-FOIA": MI_GROUNDS,
    "DC-FOIA": DC_GROUNDS,
    "AU-FOI": AU_GROUNDS,
    "EISR": {
        "10(4)(a)": "Information not held",
        "10(4)(b)": "Manifestly unreasonable",
        "10(4)(c)": "Request formulated in too general a manner",
        "10(4)(d)": "Material in the course of completion",
        "10(4)(e)": "Internal communications",
        "10(5)(a)": "International relations, defence, national security or public safety",
        "10(5)(b)": "The course of justice",
        "10(5)(d)": "Confidentiality of proceedings",
        "10(5)(e)": "Commercial confidentiality",
        "10(5)(f)": "Interests of the person who provided the information",
        "10(5)(g)": "Protection of the environment",
        "11": "Personal data",
    },
}


def is_ground(law: str, section: str, subsection: str | None = None) -> bool:
    """True when (law, section[, subsection]) is a ground on which information can be withheld."""
    if law in ("EIR", "EISR"):
        table = EIR_GROUNDS if law == "EIR" else _TABLES["EISR"]
        if section + (subsection or "") in table or section in table:
            return True
        # "regulation 12" or "12(5)": a ground when some entry of that regulation starts with what is cited
        cited = section + (subsection or "")
        return any(key.split("(")[0] == section and key.startswith(cited) for key in table)
    if law == "IL-FOIA" and section == "3" and (subsection or "").startswith("(g)"):
        return True  # unduly burdensome: a refusal ground like FOIA s.12
    return section in _TABLES.get(law, {})


def title(law: str, section: str, subsection: str | None = None) -> str | None:
    if law == "IL-FOIA" and section == "3" and (subsection or "").startswith("(g)"):
        return "Unduly burdensome requests"
    if law == "EIR":
        return EIR_GROUNDS.get(section + (subsection or "")) or EIR_GROUNDS.get(section)
    if law == "EISR":
        return _TABLES["EISR"].get(section + (subsection or "")) or _TABLES["EISR"].get(section)
    return _TABLES.get(law, {}).get(section)
