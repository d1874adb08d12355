package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/store"
)

// DefaultPassword is the demo accounts' password when DEMO_PASSWORD is unset.
const DefaultPassword = "traguardo-demo"

// Account is a demo account.
type Account struct {
	Email  string
	Role   auth.Role
	Centre string
}

// Accounts lists the demo accounts: one per role, and one responsabile per
// centre of the demo document named after it
// (responsabile.finanziaria@traguardo.test for AREA FINANZIARIA). Centres
// that users create get no demo account.
func Accounts() []Account {
	list := []Account{
		{Email: "admin@traguardo.test", Role: auth.Admin},
		{Email: "direttore@traguardo.test", Role: auth.Director},
		{Email: "nucleo@traguardo.test", Role: auth.Evaluator},
		{Email: "osservatore@traguardo.test", Role: auth.Observer},
	}
	for _, name := range centreNames {
		list = append(list, Account{Email: "responsabile." + ShortName(name) + "@traguardo.test", Role: auth.Manager, Centre: name})
	}
	return list
}

// ShortName is the first word of a centre's name after "AREA", lower case
// and without accents: "AREA MINORI E FAMIGLIE - ADULTI" is "minori".
func ShortName(centre string) string {
	words := strings.Fields(strings.ToLower(centre))
	if len(words) > 1 && words[0] == "area" {
		words = words[1:]
	}
	if len(words) == 0 {
		return "centro"
	}
	plain, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), words[0])
	if err != nil {
		return words[0]
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, plain)
}

// CreateAccounts creates the demo accounts that do not exist yet, all with
// password, and returns the whole list. Install calls it once, into an
// empty database; tests call it after Load.
func CreateAccounts(ctx context.Context, st *store.Store, password string) ([]Account, error) {
	centres, err := st.ListCentres(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]domain.CentreID{}
	for _, c := range centres {
		ids[c.Name] = c.ID
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	accounts := Accounts()
	for _, a := range accounts {
		u := store.NewUser{Email: a.Email, Name: a.Role.Label(), Role: a.Role, PasswordHash: hash}
		if a.Centre != "" {
			id, ok := ids[a.Centre]
			if !ok {
				return nil, fmt.Errorf("demo account %s: no centre %q", a.Email, a.Centre)
			}
			u.Name += " " + a.Centre
			u.Centres = []domain.CentreID{id}
		}
		_, err := st.CreateUser(ctx, store.Actor{Name: "demo"}, u)
		var conflict *store.Conflict
		if err != nil && !errors.As(err, &conflict) {
			return nil, err
		}
	}
	return accounts, nil
}
