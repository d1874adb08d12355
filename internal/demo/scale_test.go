package demo

import (
	"context"
	"testing"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// TestScaleInstall: a plan twice the seed's, made through the JSON import,
// holds what its sizes say (18N objectives over the centres asked, the
// seed's activities and indicators per objective, a value at each of the
// four quarters), its accounts, and its last period open for entry.
func TestScaleInstall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := store.New(pgtest.NewDB(t))
	sc := Times(2)
	sc.Centres, sc.Users = 5, 30
	sizes, accounts, err := ScaleInstall(ctx, st, richtext.NewPolicy(), sc, "password-di-prova")
	if err != nil {
		t.Fatal(err)
	}
	if sizes.Objectives != 36 || sizes.Centres != 5 || sizes.Activities != 2*86 || sizes.Indicators != 2*62 || sizes.Values != 4*2*62 || sizes.Users != 30 || len(accounts) != 30 {
		t.Errorf("sizes %+v, %d accounts", sizes, len(accounts))
	}
	c, err := st.LoadCycle(ctx, ScaledYear)
	if err != nil {
		t.Fatal(err)
	}
	var objectives, activities, indicators, values int
	for _, ce := range c.Centres {
		objectives += len(ce.Objectives)
		for _, o := range ce.Objectives {
			activities += len(o.Activities)
			indicators += len(o.Indicators)
			for _, in := range o.Indicators {
				values += len(in.Values)
			}
		}
	}
	if len(c.Centres) != 5 || objectives != 36 || activities != 172 || indicators != 124 || values != 4*124 || len(c.Periods) != 4 {
		t.Errorf("stored: %d centres, %d objectives, %d activities, %d indicators, %d values, %d periods",
			len(c.Centres), objectives, activities, indicators, values, len(c.Periods))
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	managers := 0
	for _, u := range users {
		if u.Role == auth.Manager {
			managers++
			if len(u.Centres) != 1 {
				t.Errorf("%s: centres %v", u.Email, u.Centres)
			}
		}
	}
	if len(users) != 30 || managers != 30-4 {
		t.Errorf("%d users, %d managers", len(users), managers)
	}
	last := c.Periods[len(c.Periods)-1]
	state, err := st.EntryState(ctx, last.ID, c.Centres[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !state.Open {
		t.Errorf("the last period is not open for entry: %+v", state)
	}
	if _, _, err := ScaleInstall(ctx, st, richtext.NewPolicy(), sc, "password-di-prova"); err == nil {
		t.Error("a second scaled install into a database with data succeeded")
	}
}
