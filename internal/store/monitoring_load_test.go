package store_test

import (
	"context"
	"testing"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/store"
)

// TestStore_MonitoringFollowsWrites reads the overview (which keeps the
// cycle), then reopens a period for a centre, submits it and returns it:
// each write shows at once in the next overview, with the users' names.
func TestStore_MonitoringFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	today := domain.Today(time.Now())
	o, err := st.Monitoring(ctx, 2024, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Centres) == 0 || len(o.Periods) == 0 {
		t.Fatalf("%d centres, %d periods", len(o.Centres), len(o.Periods))
	}
	period, centre := o.Periods[0], o.Centres[0]
	if _, _, cell, _ := o.Cell(period.ID, centre.ID); cell.ReopenedUntil != nil {
		t.Fatalf("reopened until %v before any reopening", cell.ReopenedUntil)
	}
	id, err := st.CreateUser(ctx, store.CLI, store.NewUser{Email: "dir@example.org", Name: "Direttrice", Role: auth.Director, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	actor := store.Actor{UserID: &id, Name: "dir@example.org"}
	until := today.AddDate(0, 0, 10)
	if _, err := st.Reopen(ctx, actor, period.ID, centre.ID, until, "dati in arrivo", ""); err != nil {
		t.Fatal(err)
	}
	o, err = st.Monitoring(ctx, 2024, today)
	if err != nil {
		t.Fatal(err)
	}
	_, _, cell, ok := o.Cell(period.ID, centre.ID)
	if !ok || cell.ReopenedUntil == nil || !cell.ReopenedUntil.Equal(until) {
		t.Fatalf("after the reopening: %+v", cell)
	}
	if !cell.Entry.Open {
		t.Fatalf("reopened until %s, not open: %+v", until.Format(time.DateOnly), cell.Entry)
	}
	_, err = st.Submit(ctx, store.Transition{Actor: actor, Period: period.ID, Centre: centre.ID, Version: cell.Entry.Version})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	o, err = st.Monitoring(ctx, 2024, today)
	if err != nil {
		t.Fatal(err)
	}
	_, _, cell, _ = o.Cell(period.ID, centre.ID)
	if cell.SubmittedAt == nil || cell.SubmittedBy != "Direttrice" || cell.Entry.Version != 1 {
		t.Fatalf("after the submission: %+v", cell)
	}
	if _, err := st.ReturnSubmission(ctx, store.Transition{Actor: actor, Period: period.ID, Centre: centre.ID, Version: 1, Comment: "rivedere"}); err != nil {
		t.Fatalf("return: %v", err)
	}
	o, err = st.Monitoring(ctx, 2024, today)
	if err != nil {
		t.Fatal(err)
	}
	_, _, cell, _ = o.Cell(period.ID, centre.ID)
	if cell.ReviewedAt == nil || cell.ReviewedBy != "Direttrice" || cell.Comment != "rivedere" || cell.Entry.Version != 2 {
		t.Fatalf("after the return: %+v", cell)
	}
}
