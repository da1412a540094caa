"""The HR sign-in and sign-out pages (``sign_in.``), rendered from the Voilà templates."""

TEXTS: dict[str, dict[str, str]] = {
    "sign_in.title": {
        "nl": "Aanmelden",
        "en": "Sign in",
    },
    "sign_in.intro": {
        "nl": (
            "Dit zijn de HR-dashboards van Verloop. Meld u aan met de HR-toegangscode die u van de "
            "beheerder van Verloop hebt gekregen."
        ),
        "en": (
            "These are Verloop's HR dashboards. Sign in with the HR access code you received from the "
            "person who runs Verloop."
        ),
    },
    "sign_in.label": {
        "nl": "HR-toegangscode",
        "en": "HR access code",
    },
    "sign_in.submit": {
        "nl": "Aanmelden",
        "en": "Sign in",
    },
    "sign_in.hint": {
        "nl": (
            "Geen code? Vraag de beheerder: die vindt het volledige adres met code in het venster waarin "
            "Verloop draait. Medewerkers die een vragenlijst willen invullen, gebruiken het adres van de "
            "vragenlijsten, niet deze pagina."
        ),
        "en": (
            "No code? Ask the person who runs Verloop: the full address with its code is shown in the "
            "window where Verloop runs. Employees who want to fill in a survey use the survey address, "
            "not this page."
        ),
    },
    "sign_in.wrong": {
        "nl": "Deze toegangscode klopt niet. Controleer de code en probeer het opnieuw.",
        "en": "This access code is not right. Check the code and try again.",
    },
    "sign_in.wrong_link": {
        "nl": (
            "Het adres dat u gebruikte bevat een toegangscode die niet (meer) klopt. Vul de juiste code hieronder in."
        ),
        "en": (
            "The address you used carries an access code that is not (or no longer) right. Enter the right code below."
        ),
    },
    "sign_in.empty": {
        "nl": "Vul de toegangscode in.",
        "en": "Enter the access code.",
    },
    "sign_in.blocked": {
        "nl": "Te veel mislukte pogingen. Probeer het over {minutes} minuut/minuten opnieuw.",
        "en": "Too many failed attempts. Try again in {minutes} minute(s).",
    },
    "sign_in.other_language": {
        "nl": "English",
        "en": "Nederlands",
    },
    "sign_in.signed_out_title": {
        "nl": "Afgemeld",
        "en": "Signed out",
    },
    "sign_in.signed_out": {
        "nl": "U bent afgemeld. Sluit dit venster als u op een gedeelde computer werkt.",
        "en": "You are signed out. Close this window if you are on a shared computer.",
    },
    "sign_in.again": {
        "nl": "Opnieuw aanmelden",
        "en": "Sign in again",
    },
}
