package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"traguardo/internal/format"

	"golang.org/x/net/html"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// The tests of the director's page of an indicator's intermediate targets
// (plan_targets.go), on the demo's 2023 cycle as newSecEnv loads it (not
// approved). Their helpers start with tg.

// tgFixture is the demo's 2023 cycle with an indicator of each kind the
// page treats apart: a count, a percentage (expected at most 100), a si/no.
type tgFixture struct {
	e                     *secEnv
	cycle                 *plan.Cycle
	count, percent, yesNo *plan.Indicator
	objective             map[int64]int64 // objective id by indicator id
}

func newTgFixture(t *testing.T) *tgFixture {
	t.Helper()
	e := newSecEnv(t, server.Config{})
	f := &tgFixture{e: e, objective: map[int64]int64{}}
	f.load(t)
	if len(f.cycle.Periods) < 3 {
		t.Fatalf("the 2023 cycle has %d periods, want at least 3", len(f.cycle.Periods))
	}
	if f.count == nil || f.percent == nil || f.yesNo == nil {
		t.Fatalf("the 2023 cycle lacks an indicator of a kind: count %v, percent %v, si/no %v", f.count != nil, f.percent != nil, f.yesNo != nil)
	}
	return f
}

// load reads the cycle again, and the fixture's indicators as they are now.
func (f *tgFixture) load(t *testing.T) {
	t.Helper()
	f.cycle = pfCycle(t, f.e.st)
	ids := map[string]int64{}
	if f.count != nil {
		ids["count"], ids["percent"], ids["yesno"] = f.count.ID, f.percent.ID, f.yesNo.ID
	}
	f.count, f.percent, f.yesNo = nil, nil, nil
	for _, ce := range f.cycle.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				f.objective[in.ID] = o.ID
				pick := func(p **plan.Indicator, key string, ok bool) {
					if (ids[key] == 0 && *p == nil && ok) || ids[key] == in.ID {
						*p = in
					}
				}
				pick(&f.count, "count", in.Unit == domain.UnitCount || in.Unit == domain.UnitNumber)
				pick(&f.percent, "percent", in.Unit == domain.UnitPercent && in.Expected <= 100)
				pick(&f.yesNo, "yesno", in.Unit.IsYesNo())
			}
		}
	}
}

func (f *tgFixture) path(in *plan.Indicator) string { return paths.Targets(2023, in.ID) }

func (f *tgFixture) period(i int) plan.Period { return f.cycle.Periods[i] }

func tgField(p plan.Period) string { return "target_" + strconv.FormatInt(p.ID, 10) }

// tgTargets are an indicator's targets as the store has them, "dd/mm: v".
func tgTargets(in *plan.Indicator) []string {
	var out []string
	for _, t := range in.Targets {
		out = append(out, t.Period.Format("02/01")+": "+strconv.FormatFloat(t.Value, 'f', -1, 64))
	}
	return out
}

// TestTargets_SetAndRemove: the director sets the targets of two periods,
// reads them back on the form and from the store, sees the link on the
// objective page and the target of the period viewed; then removes one.
func TestTargets_SetAndRemove(t *testing.T) {
	t.Parallel()
	f := newTgFixture(t)
	c := f.e.signedIn(t, "direttore")
	in := f.count
	objPage := paths.Objective(2023, f.objective[in.ID])
	back := objPage + "#indicatori"
	p1, p2, last := f.period(0), f.period(1), f.cycle.Periods[len(f.cycle.Periods)-1]

	// The objective page links the page, for each indicator.
	doc := parseHTML(t, c.get(objPage).Body)
	var hrefs []string
	for _, a := range byTestID(doc, "targets") {
		h, _ := attr(a, "href")
		hrefs = append(hrefs, h)
	}
	if !slices.Contains(hrefs, f.path(in)) {
		t.Errorf("the objective page links targets %q, not %s", hrefs, f.path(in))
	}

	// The form: a field per period but the last, the expected value shown.
	r := c.get(f.path(in))
	usersRequireStatus(t, "GET "+f.path(in), r, http.StatusOK)
	doc = parseHTML(t, r.Body)
	usersLabelled(t, "the targets form", doc)
	for _, p := range f.cycle.Periods[:len(f.cycle.Periods)-1] {
		if got := pfFieldValue(t, doc, tgField(p)); got != "" {
			t.Errorf("field %s holds %q before any target", tgField(p), got)
		}
	}
	if n := len(findAll(doc, func(n *html.Node) bool { id, _ := attr(n, "id"); return id == tgField(last) })); n != 0 {
		t.Errorf("the form has a field for the last period %s", last.EndsOn.Format(time.DateOnly))
	}
	if !strings.Contains(r.Body, "Target intermedio al "+p1.EndsOn.Format("02/01/2006")+" ("+string(in.Unit)+")") {
		t.Error("the form does not label the first period's field with its date and unit")
	}
	if got, want := textOf(oneByTestID(t, doc, "expected")), "Valore atteso dell'anno: "+format.Value(in.Unit, in.Expected); !strings.HasPrefix(got, want) {
		t.Errorf("the form shows %q, want it to start with %q", got, want)
	}

	// Two targets set.
	auditBefore := secCount(t, f.e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'indicator' AND entity_id = $1`, in.ID)
	pfRequireRedirect(t, "setting two targets", c.post(f.path(in), url.Values{tgField(p1): {"2"}, tgField(p2): {" 1.000 "}}), back)
	f.load(t)
	want := []string{p1.EndsOn.Format("02/01") + ": 2", p2.EndsOn.Format("02/01") + ": 1000"}
	if got := tgTargets(f.count); !slices.Equal(got, want) {
		t.Errorf("stored targets %q, want %q", got, want)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM audit_log WHERE entity = 'indicator' AND entity_id = $1`, in.ID); n != auditBefore+1 {
		t.Errorf("%d audit records of the indicator after the save, want %d", n, auditBefore+1)
	}
	doc = parseHTML(t, c.get(f.path(in)).Body)
	if got := []string{pfFieldValue(t, doc, tgField(p1)), pfFieldValue(t, doc, tgField(p2))}; !slices.Equal(got, []string{"2", "1000"}) {
		t.Errorf("the form holds %q after the save", got)
	}
	// The objective page, as of the first period, measures against it.
	page := c.get(paths.AsOf(objPage, p1.EndsOn))
	if !strings.Contains(page.Body, "target al "+p1.EndsOn.Format("02/01/2006")+": 2") {
		t.Errorf("the objective page at %s does not show the target", p1.EndsOn.Format(time.DateOnly))
	}

	// The same form again changes nothing and writes nothing.
	before := pfSnapshot(t, f.e, c)
	pfRequireRedirect(t, "saving the same targets", c.post(f.path(in), url.Values{tgField(p1): {"2"}, tgField(p2): {"1000"}}), back)
	pfRequireUnchanged(t, "saving the same targets", f.e, c, before)

	// One removed.
	pfRequireRedirect(t, "removing a target", c.post(f.path(in), url.Values{tgField(p1): {""}, tgField(p2): {"1000"}}), back)
	f.load(t)
	if got := tgTargets(f.count); !slices.Equal(got, want[1:]) {
		t.Errorf("after removing the first: %q, want %q", got, want[1:])
	}

	// A si/no indicator: a select si / no / —.
	yn := f.yesNo
	doc = parseHTML(t, c.get(f.path(yn)).Body)
	if got := pfOptions(t, doc, tgField(p1)); !slices.Equal(got, []string{"", "si", "no"}) {
		t.Errorf("the si/no target offers %q", got)
	}
	pfRequireRedirect(t, "a si/no target", c.post(f.path(yn), url.Values{tgField(p1): {"no"}, tgField(p2): {"si"}}), paths.Objective(2023, f.objective[yn.ID]))
	f.load(t)
	if got, want := tgTargets(f.yesNo), []string{p1.EndsOn.Format("02/01") + ": 0", p2.EndsOn.Format("02/01") + ": 1"}; !slices.Equal(got, want) {
		t.Errorf("si/no targets %q, want %q", got, want)
	}
}

// TestTargets_Invalid: a non-number, a fractional count, a percentage over
// 100, a number for si/no: 422, the message at the field, what was typed
// kept, nothing written.
func TestTargets_Invalid(t *testing.T) {
	t.Parallel()
	f := newTgFixture(t)
	c := f.e.signedIn(t, "direttore")
	p1, p2 := f.period(0), f.period(1)
	for _, tc := range []struct {
		name string
		in   *plan.Indicator
		bad  string
		want string
	}{
		{"NotANumber", f.count, "due", "Inserire un numero, ad esempio 1.234,5."},
		{"FractionalCount", f.count, "2,5", "Per un conteggio inserire un numero intero, zero o maggiore."},
		{"NegativeCount", f.count, "-1", "Per un conteggio inserire un numero intero, zero o maggiore."},
		{"PercentOver100", f.percent, "150", "Una percentuale non può superare 100 per questo indicatore (il valore atteso non supera 100)."},
		{"NumberForYesNo", f.yesNo, "1", "Per un indicatore si/no scegliere si, no o «—»."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := "3"
			if tc.in.Unit.IsYesNo() {
				good = "si"
			}
			form := url.Values{tgField(p1): {tc.bad}, tgField(p2): {good}}
			before := pfSnapshot(t, f.e, c)
			r := c.post(f.path(tc.in), form)
			usersRequireStatus(t, tc.name, r, http.StatusUnprocessableEntity)
			pfRequireUnchanged(t, tc.name, f.e, c, before)
			doc := parseHTML(t, r.Body)
			if len(byTestID(doc, "form-errors")) != 1 {
				t.Error("no error summary at the top of the form")
			}
			if got := usersFieldError(t, doc, tgField(p1)); got != tc.want {
				t.Errorf("error at the first period %q, want %q", got, tc.want)
			}
			if got := usersFieldError(t, doc, tgField(p2)); got != "" {
				t.Errorf("error at the second period %q", got)
			}
			if got := pfFieldValue(t, doc, tgField(p2)); got != good {
				t.Errorf("the second period holds %q, want %q as typed", got, good)
			}
			if !tc.in.Unit.IsYesNo() {
				if got := pfFieldValue(t, doc, tgField(p1)); got != tc.bad {
					t.Errorf("the first period holds %q, want %q as typed", got, tc.bad)
				}
			}
		})
	}
}

// TestTargets_ApprovedPlan: on an approved plan the targets are a variation:
// without its date and reason refused, nothing written; with them saved and
// recorded as a variation of the indicator.
func TestTargets_ApprovedPlan(t *testing.T) {
	t.Parallel()
	f := newTgFixture(t)
	ctx := context.Background()
	c := f.e.signedIn(t, "direttore")
	if err := f.e.st.ApprovePlan(ctx, store.Actor{Name: "test"}, 2023, f.cycle.Version, "Deliberazione n. 12", time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	in, p1 := f.count, f.period(0)
	doc := parseHTML(t, c.get(f.path(in)).Body)
	usersElementByID(t, doc, "variation_on")
	usersElementByID(t, doc, "variation_reason")

	before := pfSnapshot(t, f.e, c)
	r := c.post(f.path(in), url.Values{tgField(p1): {"4"}})
	usersRequireStatus(t, "targets without variation", r, http.StatusUnprocessableEntity)
	pfRequireUnchanged(t, "targets without variation", f.e, c, before)
	doc = parseHTML(t, r.Body)
	if got := usersFieldError(t, doc, "variation_on"); got != "Indicare la data della variazione." {
		t.Errorf("variation_on error %q", got)
	}
	if got := usersFieldError(t, doc, "variation_reason"); got != "Indicare la motivazione della variazione." {
		t.Errorf("variation_reason error %q", got)
	}
	if got := pfFieldValue(t, doc, tgField(p1)); got != "4" {
		t.Errorf("the target typed is not kept: %q", got)
	}

	reason := "Target intermedio concordato con il Nucleo"
	pfRequireRedirect(t, "targets with variation", c.post(f.path(in), url.Values{
		tgField(p1): {"4"}, "variation_on": {"2023-03-15"}, "variation_reason": {reason},
	}), paths.Objective(2023, f.objective[in.ID]))
	f.load(t)
	if got, want := tgTargets(f.count), []string{p1.EndsOn.Format("02/01") + ": 4"}; !slices.Equal(got, want) {
		t.Errorf("stored targets %q, want %q", got, want)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM variations WHERE entity = 'indicator' AND entity_id = $1 AND reason = $2 AND decided_on = '2023-03-15' AND new_value::text LIKE '%'||$3||'%'`,
		in.ID, reason, p1.EndsOn.Format("02/01/2006")+": 4"); n != 1 {
		t.Errorf("%d variations recorded for the targets, want 1", n)
	}
}

// TestTargets_Forbidden: the roles without EditPlan get 403 on the page and
// the form, and nothing is written; anonymous goes to sign in.
func TestTargets_Forbidden(t *testing.T) {
	t.Parallel()
	f := newTgFixture(t)
	path := f.path(f.count)
	form := url.Values{tgField(f.period(0)): {"5"}}
	for _, role := range []string{"responsabile", "nucleo", "osservatore", secAnonymous} {
		t.Run(role, func(t *testing.T) {
			c := f.e.signedIn(t, role)
			want := http.StatusForbidden
			if role == secAnonymous {
				want = http.StatusSeeOther
			}
			if r := c.get(path); r.Status != want {
				t.Errorf("GET as %s: status %d, want %d", role, r.Status, want)
			}
			before := secSnapshot(t, f.e.pool)
			form := url.Values{"version": {strconv.Itoa(f.count.Version)}, tgField(f.period(0)): form[tgField(f.period(0))]}
			if r := c.post(path, form); r.Status != want {
				t.Errorf("POST as %s: status %d, want %d", role, r.Status, want)
			}
			secRequireUnchanged(t, "POST as "+role, before, secSnapshot(t, f.e.pool), "sessions")
		})
	}
}

// TestTargets_Stale: the director's form read before the admin saved other
// targets is refused with 409, what the admin saved at the top, what the
// director typed kept, nothing written; saving again then replaces them.
func TestTargets_Stale(t *testing.T) {
	t.Parallel()
	f := newTgFixture(t)
	director, admin := f.e.signedIn(t, "direttore"), f.e.signedIn(t, "admin")
	in, p1 := f.count, f.period(0)
	version, ok := director.formVersion(f.path(in))
	if !ok {
		t.Fatal("the targets form carries no version")
	}
	pfRequireRedirect(t, "the admin's save", admin.post(f.path(in), url.Values{tgField(p1): {"7"}}), paths.Objective(2023, f.objective[in.ID]))

	before := pfSnapshot(t, f.e, director)
	r := director.post(f.path(in), url.Values{"version": {version}, tgField(p1): {"3"}})
	usersRequireStatus(t, "the director's stale save", r, http.StatusConflict)
	pfRequireUnchanged(t, "the director's stale save", f.e, director, before)
	doc := parseHTML(t, r.Body)
	if got := pfFieldValue(t, doc, tgField(p1)); got != "3" {
		t.Errorf("the form holds %q, want 3 as typed", got)
	}
	if !strings.Contains(r.Body, "Target intermedi") || !strings.Contains(r.Body, p1.EndsOn.Format("02/01/2006")+": 7") {
		t.Errorf("the conflict does not show the admin's targets; body:\n%.3000s", r.Body)
	}
	fresh, _ := secFormVersion(doc, f.path(in))
	if fresh == version {
		t.Error("the conflict page carries the stale version")
	}
	pfRequireRedirect(t, "saving again", director.post(f.path(in), url.Values{"version": {fresh}, tgField(p1): {"3"}}), paths.Objective(2023, f.objective[in.ID]))
	f.load(t)
	if got, want := tgTargets(f.count), []string{p1.EndsOn.Format("02/01") + ": 3"}; !slices.Equal(got, want) {
		t.Errorf("stored targets %q, want %q", got, want)
	}
}
