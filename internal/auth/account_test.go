package auth

import (
	"strings"
	"testing"

	"traguardo/internal/domain"
)

// TestAccountRules: each rule of an account, with the Italian message that
// a person reads for each refusal ("" when accepted).
func TestAccountRules(t *testing.T) {
	const badEmail = "L'email non è valida: deve avere la forma nome@dominio.it."
	me, other := &User{ID: 1, Role: Admin}, &User{ID: 2, Role: Observer}
	cases := []struct {
		name, got, want string
	}{
		{"email ok", CheckEmail("mario.rossi@ente.it"), ""},
		{"email missing", CheckEmail(""), "Inserire l'email."},
		{"email without domain dot", CheckEmail("mario@localhost"), badEmail},
		{"email with a name", CheckEmail("Mario <mario@ente.it>"), badEmail},
		{"email with a space", CheckEmail("mario rossi@ente.it"), badEmail},
		{"email control", CheckEmail("mario\x07@ente.it"), badEmail},
		{"email too long", CheckEmail(strings.Repeat("a", 250) + "@ente.it"), badEmail},
		{"email trailing dot", CheckEmail("mario@ente.it."), badEmail},
		{"name ok", CheckName("Mario Rossi"), ""},
		{"name missing", CheckName(""), "Inserire il nome."},
		{"name control", CheckName("Mario\x00"), "Il nome contiene caratteri non ammessi."},
		{"name invalid UTF-8", CheckName("Mario\xc3"), "Il nome contiene caratteri non ammessi."},
		{"name 200 characters", CheckName(strings.Repeat("à", 200)), ""},
		{"name too long", CheckName(strings.Repeat("à", 201)), "Il nome non può superare i 200 caratteri."},
		{"role ok", CheckRole(Evaluator), ""},
		{"role missing", CheckRole(""), "Scegliere un ruolo."},
		{"role unknown", CheckRole("superutente"), "Il ruolo scelto non esiste."},
		{"responsabile with centres", CheckCentres(Manager, []domain.CentreID{1}), ""},
		{"responsabile without", CheckCentres(Manager, nil), "Scegliere almeno un centro di responsabilità per il Responsabile di Area."},
		{"observer without", CheckCentres(Observer, nil), ""},
		{"director with centres", CheckCentres(Director, []domain.CentreID{1}),
			"I centri di responsabilità si assegnano solo al Responsabile di Area: togliere la scelta o cambiare ruolo."},
		{"own role kept", CheckRoleChange(me, me, Admin), ""},
		{"own role changed", CheckRoleChange(me, me, Director), "Non è possibile cambiare il proprio ruolo: chiedere a un altro amministratore."},
		{"another's role changed", CheckRoleChange(me, other, Admin), ""},
		{"deactivating oneself", CheckDeactivation(me, me), "Non è possibile disattivare il proprio account: chiedere a un altro amministratore."},
		{"deactivating another", CheckDeactivation(me, other), ""},
		{"password long enough", CheckNewPassword(strings.Repeat("è", MinPasswordLength)), ""},
		{"password too short", CheckNewPassword(strings.Repeat("è", MinPasswordLength-1)), "La nuova password deve avere almeno 12 caratteri."},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	for _, r := range Roles() {
		if r.NeedsCentres() != (r == Manager) {
			t.Errorf("%s.NeedsCentres() = %v", r, r.NeedsCentres())
		}
	}
	if ErrWeakPassword.Error() != "la password deve avere almeno 12 caratteri" {
		t.Errorf("ErrWeakPassword = %q", ErrWeakPassword)
	}
}
