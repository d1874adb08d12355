package auth

import (
	"testing"

	"traguardo/internal/domain"
)

func TestAllowed(t *testing.T) {
	const mine, other = 1, 2
	user := func(r Role) *User { return &User{Role: r, Active: true, Centres: []domain.CentreID{mine}} }
	cases := []struct {
		name   string
		u      *User
		p      Permission
		centre domain.CentreID
		want   bool
	}{
		{"anonymous reads nothing", nil, ReadCycle, 0, false},
		{"inactive reads nothing", &User{Role: Director}, ReadCycle, 0, false},
		{"observer reads", user(Observer), ReadCycle, 0, true},
		{"observer writes no progress", user(Observer), WriteProgress, mine, false},
		{"manager writes own centre", user(Manager), WriteProgress, mine, true},
		{"manager writes no other centre", user(Manager), WriteProgress, other, false},
		{"manager edits no plan", user(Manager), EditPlan, 0, false},
		{"director edits the plan", user(Director), EditPlan, 0, true},
		{"director approves", user(Director), ApprovePlan, 0, true},
		{"nucleo changes no plan", user(Evaluator), EditPlan, 0, false},
		{"nucleo validates", user(Evaluator), Validate, 0, true},
		{"nucleo neutralises", user(Evaluator), Neutralise, 0, true},
		{"director validates nothing", user(Director), Validate, 0, false},
		{"admin manages users", user(Admin), ManageUsers, 0, true},
		{"director manages no users", user(Director), ManageUsers, 0, false},
		{"nucleo reads audit", user(Evaluator), ReadAudit, 0, true},
		{"manager reads no audit", user(Manager), ReadAudit, 0, false},
		{"admin edits the legal notices", user(Admin), EditLegal, 0, true},
		{"director edits no legal notice", user(Director), EditLegal, 0, false},
		{"unknown permission", user(Admin), Permission("x"), 0, false},
	}
	for _, tc := range cases {
		if got := Allowed(tc.u, tc.p, tc.centre); got != tc.want {
			t.Errorf("%s: Allowed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPassword(t *testing.T) {
	p := NewPassword()
	if len(p) != 16 {
		t.Fatalf("NewPassword length %d", len(p))
	}
	if err := CheckPasswordStrength(p); err != nil {
		t.Fatal(err)
	}
	if CheckPasswordStrength("corta") != ErrWeakPassword {
		t.Fatal("short password accepted")
	}
	h, err := HashPassword(p)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, p) || CheckPassword(h, p+"x") {
		t.Fatal("CheckPassword does not tell right from wrong")
	}
	if CheckPassword(NewDummyHash(), p) {
		t.Fatal("dummy hash matched")
	}
}
