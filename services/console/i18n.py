"""The console's words in French and English, and dates in Bamako time (UTC+0, no DST)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BAMAKO = timezone(timedelta(0), "GMT")

WORDS: dict[str, tuple[str, str]] = {  # key: (fr, en)
    "app": ("Console des droits", "Rights console"),
    "sign_in": ("Se connecter", "Sign in"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "username": ("Identifiant", "Username"),
    "password": ("Mot de passe", "Password"),
    "refused": ("Identifiant ou mot de passe incorrect.", "Wrong username or password."),
    "locked": ("Trop d'échecs : compte verrouillé, réessayez plus tard.",
               "Too many failures: account locked, try again later."),
    "requests": ("Demandes", "Requests"),
    "dead_letters": ("Lettres mortes", "Dead letters"),
    "dashboard": ("Tableau de bord DPD", "DPO dashboard"),
    "reference": ("Référence", "Reference"),
    "right": ("Droit", "Right"),
    "channel": ("Canal", "Channel"),
    "state": ("État", "State"),
    "received": ("Reçue", "Received"),
    "target": ("Cible interne", "Internal target"),
    "due": ("Échéance", "Due"),
    "any": ("Tous", "Any"),
    "past_target": ("Cible dépassée", "Past target"),
    "past_due": ("Échéance dépassée", "Past due"),
    "filter": ("Filtrer", "Filter"),
    "next_page": ("Page suivante", "Next page"),
    "first_page": ("Première page", "First page"),
    "none_found": ("Aucune demande.", "No request."),
    "timeline": ("Historique", "Timeline"),
    "outcomes": ("Résultat par catégorie", "Outcome per category"),
    "store": ("Système", "Store"),
    "category": ("Catégorie", "Category"),
    "action": ("Action", "Action"),
    "notices": ("Avis envoyés", "Notices sent"),
    "actions": ("Actions", "Actions"),
    "no_action": ("Aucune action possible dans cet état.", "No action in this state."),
    "reason": ("Motif", "Reason"),
    "identity_review": ("Revue d'identité", "Identity review"),
    "document": ("Pièce", "Document"),
    "checks": ("Contrôles", "Checks"),
    "passed": ("réussi", "passed"),
    "failed": ("échoué", "failed"),
    "inconclusive": ("à décider", "to decide"),
    "copy_note": ("La copie numérisée est condensée à l'accueil puis supprimée (§3.4) : "
                  "seule son empreinte SHA-256 est conservée.",
                  "The scanned copy is hashed at intake, then dropped (§3.4): only its "
                  "SHA-256 is kept."),
    "approve": ("Approuver", "Approve"),
    "reject": ("Rejeter", "Reject"),
    "failed_fulfilment": ("Exécution échouée", "Failed fulfilment"),
    "retry": ("Relancer", "Retry"),
    "close": ("Clore", "Close"),
    "restriction": ("Limitation", "Restriction"),
    "lift": ("Demander la levée", "Ask for the lift"),
    "lift_asked_by": ("Levée demandée par", "Lift asked by"),
    "notice_sent": ("Avis envoyé le", "Notice sent on"),
    "lift_effective": ("Levée effective au plus tôt le", "Lift takes effect from"),
    "attach": ("Joindre la pièce", "Attach the document"),
    "kind": ("Type", "Kind"),
    "number": ("Numéro", "Number"),
    "holder": ("Titulaire", "Holder"),
    "birth_date": ("Date de naissance", "Date of birth"),
    "expires": ("Expire le", "Expires"),
    "scan": ("Copie numérisée", "Scanned copy"),
    "sent": ("Envoyé : l'action suit son cours.", "Sent: the action is under way."),
    "worker": ("Service", "Worker"),
    "messages": ("Messages", "Messages"),
    "event": ("Événement", "Event"),
    "redrive": ("Renvoyer", "Redrive"),
    "redrive_all": ("Tout renvoyer", "Redrive all"),
    "redriven": ("message(s) renvoyé(s)", "message(s) redriven"),
    "empty": ("File vide.", "Queue empty."),
    "open": ("ouvertes", "open"),
    "open_by_state": ("Demandes ouvertes par état", "Open requests by state"),
    "open_by_right": ("Demandes ouvertes par droit", "Open requests by right"),
    "breaches_month": ("Dépassements ce mois", "Breaches this month"),
    "answered_month": ("Réponses ce mois", "Answered this month"),
    "median": ("Délai médian de réponse", "Median time to answer"),
    "p95": ("95e centile", "95th percentile"),
    "days": ("jours", "days"),
    "due_chart": ("Échéances des 30 prochains jours", "Requests due, next 30 days"),
    "register": ("Registre (APDP)", "Register (APDP)"),
    "from": ("Du", "From"),
    "to": ("Au", "To"),
    "download": ("Télécharger", "Download"),
    "forbidden": ("Accès refusé : votre rôle ne le permet pas.",
                  "Forbidden: your role does not allow this."),
    "bad_form": ("Formulaire expiré ou falsifié : rechargez la page.",
                 "Form expired or forged: reload the page."),
    "not_found": ("Introuvable.", "Not found."),
    "times_note": ("Heures de Bamako (UTC+0)", "Bamako time (UTC+0)"),
    "role": ("Rôle", "Role"),
    "language": ("Langue", "Language"),
}


def word(key: str, language: str) -> str:
    french, english = WORDS.get(key, (key, key))
    return french if language == "fr" else english


def when(value: datetime | None, language: str) -> str:
    if value is None:
        return "—"
    local = value.astimezone(BAMAKO)
    return local.strftime("%d/%m/%Y %H:%M" if language == "fr" else "%Y-%m-%d %H:%M")


def day(value: date | None, language: str) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y" if language == "fr" else "%Y-%m-%d")
