package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"traguardo/internal/auth"
	"traguardo/internal/names"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// setupInput checks setup's flags by the rules of the application's forms:
// the organisation's name as an imported plan's (cleaned, at most
// plan.MaxName characters), the e-mail and the name as an account's.
func setupInput(organisation, email, name string) (string, store.NewUser, error) {
	organisation = names.Clean(organisation)
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	switch {
	case organisation == "":
		return "", store.NewUser{}, errors.New("setup needs --organisation NAME, the body's name as its plans (JSON, workbook) name it")
	case plan.TooLong(organisation, plan.MaxName) != "":
		return "", store.NewUser{}, fmt.Errorf("--organisation: at most %d characters", plan.MaxName)
	case email == "":
		return "", store.NewUser{}, errors.New("setup needs --admin-email EMAIL, the first administrator's address")
	}
	if msg := auth.CheckEmail(email); msg != "" {
		return "", store.NewUser{}, fmt.Errorf("--admin-email: %s", msg)
	}
	if msg := auth.CheckName(name); name != "" && msg != "" {
		return "", store.NewUser{}, fmt.Errorf("--name: %s", msg)
	}
	return organisation, store.NewUser{Email: email, Name: name, Role: auth.Admin, MustChangePassword: true}, nil
}

// setup is the first run for a real body, on the store openStore opened
// (its schema migrated): the organisation named, the first administrator
// created with a one-time password, printed once, that must be changed at
// the first sign-in. A database that holds an organisation, a cycle or an
// account is refused, saying what it holds, and left as it is.
func setup(ctx context.Context, st *store.Store, organisation, email, name string, stdout io.Writer) error {
	organisation, admin, err := setupInput(organisation, email, name)
	if err != nil {
		return err
	}
	password := auth.NewPassword()
	if admin.PasswordHash, err = auth.HashPassword(password); err != nil {
		return err
	}
	if _, err := st.Setup(ctx, store.CLI, organisation, admin); err != nil {
		if installed := (*store.InstalledError)(nil); errors.As(err, &installed) {
			return fmt.Errorf("setup refused, nothing changed: %w. "+
				"Sign in as one of its administrators, or create an account with `traguardo user add`", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "Set up Traguardo for %q: the database is migrated, the organisation named.\n", organisation)
	fmt.Fprintf(stdout, "Import its plans with `traguardo import FILE.json` or from the application (/cicli/importa).\n\n")
	fmt.Fprintf(stdout, "Administrator %s, one-time password (shown only now; to be changed at the first sign-in):\n%s\n",
		names.Email(admin.Email), password)
	return nil
}
