package auth

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"traguardo/internal/domain"
)

// The rules of an account, written once: the administration's forms, the
// change of one's own password and `traguardo user add` all ask them. Each
// Check function returns the Italian message that explains a refusal, or ""
// when the value is acceptable.

// MaxEmailLength is the longest email address (RFC 5321 path, less the
// brackets).
const MaxEmailLength = 254

// MaxNameLength bounds an account's name, which is only shown, never parsed.
const MaxNameLength = 200

// CheckEmail accepts a bare address (no display name, no angle brackets)
// with a dot in its domain, as accounts are reached by ordinary mail.
func CheckEmail(email string) string {
	const invalid = "L'email non è valida: deve avere la forma nome@dominio.it."
	if email == "" {
		return "Inserire l'email."
	}
	if len(email) > MaxEmailLength || !plainText(email) || strings.ContainsAny(email, " <>\"") {
		return invalid
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email {
		return invalid
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return invalid
	}
	return ""
}

// CheckName accepts a name of plain text within MaxNameLength characters.
func CheckName(name string) string {
	switch {
	case name == "":
		return "Inserire il nome."
	case !plainText(name):
		return "Il nome contiene caratteri non ammessi."
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "Il nome non può superare i " + strconv.Itoa(MaxNameLength) + " caratteri."
	}
	return ""
}

// CheckRole accepts one of Roles.
func CheckRole(r Role) string {
	switch {
	case r == "":
		return "Scegliere un ruolo."
	case !r.Valid():
		return "Il ruolo scelto non esiste."
	}
	return ""
}

// NeedsCentres reports whether an account of role r writes for
// organisational centres: a responsabile has at least one, and no other
// role has any.
func (r Role) NeedsCentres() bool { return r == Manager }

// CheckCentres says whether an account of role r may hold centres (ids of
// the organisation's centres, which the caller has checked exist).
func CheckCentres(r Role, centres []domain.CentreID) string {
	switch {
	case r.NeedsCentres() && len(centres) == 0:
		return "Scegliere almeno un centro di responsabilità per il " + r.Label() + "."
	case !r.NeedsCentres() && len(centres) > 0:
		return "I centri di responsabilità si assegnano solo al " + Manager.Label() + ": togliere la scelta o cambiare ruolo."
	}
	return ""
}

// CheckRoleChange says whether the account by may give the account target
// role: nobody changes his or her own role, so that an administrator
// cannot lock himself out (that the last active administrator keeps the
// role is the store's check, under a lock).
func CheckRoleChange(by, target *User, role Role) string {
	if by.ID == target.ID && role != target.Role {
		return "Non è possibile cambiare il proprio ruolo: chiedere a un altro amministratore."
	}
	return ""
}

// CheckDeactivation says whether the account by may deactivate the account
// target: not his or her own.
func CheckDeactivation(by, target *User) string {
	if by.ID == target.ID {
		return "Non è possibile disattivare il proprio account: chiedere a un altro amministratore."
	}
	return ""
}

// CheckNewPassword accepts a password of at least MinPasswordLength
// characters.
func CheckNewPassword(p string) string {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return "La nuova password deve avere almeno " + strconv.Itoa(MinPasswordLength) + " caratteri."
	}
	return ""
}

// LastAdminMessage refuses to demote or deactivate the last active
// administrator: nobody could manage the accounts any more.
const LastAdminMessage = "È l'ultimo amministratore attivo: per cambiargli ruolo o disattivarlo, nominare prima un altro amministratore."

// plainText reports whether s is valid UTF-8 without control characters,
// which PostgreSQL refuses (NUL) or nobody types on purpose.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}
