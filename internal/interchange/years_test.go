package interchange_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
)

// demoAs is the demo document with its year and periods (and the periods of
// its series) written as of year, its months left in 2023 and 2024.
func demoAs(t *testing.T, year int) []byte {
	t.Helper()
	y := fmt.Sprint(year)
	doc := strings.NewReplacer(`"year": 2023`, `"year": `+y,
		`"2023-03-31"`, `"`+y+`-03-31"`, `"2023-06-30"`, `"`+y+`-06-30"`,
		`"2023-09-30"`, `"`+y+`-09-30"`, `"2023-12-31"`, `"`+y+`-12-31"`).Replace(string(demo.Cycle2023()))
	if !strings.Contains(doc, `"year": `+y) {
		t.Fatal("the demo document has no \"year\": 2023")
	}
	return []byte(doc)
}

// monthsOf lists every month of a cycle, planned and actual, in plan order.
func monthsOf(c *plan.Cycle) []string {
	var out []string
	add := func(s domain.Span) {
		out = append(out, fmt.Sprintf("%v/%v/%v", s.From, s.To, s.Annual))
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				add(a.Planned)
				for _, p := range a.Progress {
					out = append(out, p.Period.Format(time.DateOnly))
					add(p.Actual)
				}
			}
		}
	}
	return out
}

// shifted is the demo read and moved by hand, by years: the oracle of the
// moves, which does not use the code under test to move.
func shifted(t *testing.T, years int, periodsToo bool) *plan.Cycle {
	t.Helper()
	c := mustRead(t, demo.Cycle2023())
	move := func(m *domain.Month) *domain.Month {
		if m == nil {
			return nil
		}
		return &domain.Month{Year: m.Year + years, Month: m.Month}
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				a.Planned.From, a.Planned.To = move(a.Planned.From), move(a.Planned.To)
				for i := range a.Progress {
					p := &a.Progress[i]
					p.Actual.From, p.Actual.To = move(p.Actual.From), move(p.Actual.To)
					if periodsToo {
						p.Period = p.Period.AddDate(years, 0, 0)
					}
				}
			}
		}
	}
	return c
}

// TestRead_MonthsOfAnotherYear: the 2023 document with only its year and
// periods changed to 2027 keeps its months in 2023 and 2024, which cannot
// belong to the cycle 2027. Each is refused at its path, and a move of
// the months by four years is offered; read with that move, the months
// land in 2027 and 2028.
func TestRead_MonthsOfAnotherYear(t *testing.T) {
	b := demoAs(t, 2027)
	_, err := interchange.Read(bytes.NewReader(b), policy)
	errs := fieldErrors(t, err)
	var shiftable *plan.Shiftable
	if !errors.As(err, &shiftable) || shiftable.Shift != (plan.YearShift{Years: 4, From: 2023, To: 2027}) {
		t.Errorf("offer %+v, want 4 years from 2023 to 2027", shiftable)
	}
	// Every month of the document is listed, nothing else: 315 in 2023,
	// 6 in 2024 (counted in the file by the test of the seed).
	if len(errs) != 321 {
		t.Errorf("%d errors, want 321 (one per month):\n%s", len(errs), list(errs[:min(len(errs), 5)]))
	}
	for _, e := range errs {
		if !strings.HasSuffix(e.Field, ".from") && !strings.HasSuffix(e.Field, ".to") {
			t.Errorf("an error that is not about a month: %s", e)
		}
	}
	want := "mese fuori dal ciclo 2027: le attività del ciclo hanno mesi dal 2026 al 2028"
	if errs[0] != fe(act0+".planned.from", want) {
		t.Errorf("first error %q, want %s.planned.from: %s", errs[0], act0, want)
	}

	c, err := interchange.ReadWith(bytes.NewReader(b), policy, interchange.Options{ShiftMonths: 4})
	if err != nil {
		t.Fatalf("read with the months moved: %v", err)
	}
	if c.Year != 2027 || c.Periods[0].EndsOn.Format(time.DateOnly) != "2027-03-31" {
		t.Errorf("year %d, first period %v", c.Year, c.Periods[0].EndsOn)
	}
	if got, want := monthsOf(c), monthsOf(shiftedPeriods(shifted(t, 4, false), 2027)); !equalStrings(got, want) {
		t.Errorf("the months did not move by 4 years:\n got %.300q\nwant %.300q", got, want)
	}

	// A move that does not bring them in is refused the same way, with the
	// months after the move in the message.
	_, err = interchange.ReadWith(bytes.NewReader(b), policy, interchange.Options{ShiftMonths: 1})
	errs = fieldErrors(t, err)
	if len(errs) == 0 || errs[0].Message != want+" (con lo spostamento di 1 anno diventa 2024-05)" {
		t.Errorf("moved by 1 year: %s", list(errs[:min(len(errs), 3)]))
	}
}

// shiftedPeriods writes the progress periods of c as of year.
func shiftedPeriods(c *plan.Cycle, year int) *plan.Cycle {
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				for i := range a.Progress {
					p := &a.Progress[i]
					p.Period = p.Period.AddDate(year-p.Period.Year(), 0, 0)
				}
			}
		}
	}
	return c
}

// TestRead_AsAnotherYear reads the 2023 document as the cycle 2027: every
// date moves by four years, periods and months alike, and the data come
// along at the moved periods.
func TestRead_AsAnotherYear(t *testing.T) {
	c, err := interchange.ReadWith(bytes.NewReader(demo.Cycle2023()), policy, interchange.Options{Year: 2027})
	if err != nil {
		t.Fatalf("ReadWith(Year: 2027): %v", err)
	}
	var periods []string
	for _, p := range c.Periods {
		periods = append(periods, p.EndsOn.Format(time.DateOnly))
	}
	if want := []string{"2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31"}; c.Year != 2027 || !equalStrings(periods, want) {
		t.Errorf("year %d, periods %q; want 2027, %q", c.Year, periods, want)
	}
	if got, want := monthsOf(c), monthsOf(shifted(t, 4, true)); !equalStrings(got, want) {
		t.Errorf("the dates did not move by 4 years:\n got %.300q\nwant %.300q", got, want)
	}
	in := c.Centres[0].Objectives[0].Indicators[0]
	if len(in.Values) != 1 || in.Values[0].Period.Format(time.DateOnly) != "2027-12-31" || in.Values[0].Value != 8 {
		t.Errorf("the value of %q: %+v", in.Name, in.Values)
	}
	if r := c.Centres[0].Objectives[0].Reports; len(r) != 1 || r[0].Period.Format(time.DateOnly) != "2027-12-31" {
		t.Errorf("the reports: %+v", r)
	}
	// The document's own year is the default, and the demo reads unchanged.
	c2023 := mustRead(t, demo.Cycle2023())
	same, err := interchange.ReadWith(bytes.NewReader(demo.Cycle2023()), policy, interchange.Options{Year: 2023})
	if err != nil || same.Year != 2023 || !equalStrings(monthsOf(same), monthsOf(c2023)) {
		t.Errorf("ReadWith(Year: 2023) = %v, %v", same, err)
	}
}

// TestRead_OutsideItsOwnYear: a month three years away from its document's
// year is refused at its path, planned or actual, with no offer when the
// other months are right.
func TestRead_OutsideItsOwnYear(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, act0+".planned.to", "2026-05")
	set(t, doc, act0+".progress[0].actual.from", "2021-09")
	_, err := readDoc(t, doc)
	msg := "mese fuori dal ciclo 2023: le attività del ciclo hanno mesi dal 2022 al 2024"
	checkErrors(t, err, fielderr.List{
		fe(act0+".planned.to", msg),
		fe(act0+".progress[0].actual.from", msg),
	})
	var shiftable *plan.Shiftable
	if errors.As(err, &shiftable) {
		t.Errorf("an offer to move %+v", shiftable.Shift)
	}
	// The year before and the year after are the cycle's.
	set(t, doc, act0+".planned.to", "2024-05")
	set(t, doc, act0+".progress[0].actual.from", "2022-09")
	if _, err := readDoc(t, doc); err != nil {
		t.Errorf("months of 2022 and 2024 in the cycle 2023: %v", err)
	}
}

// TestRead_UnknownFieldsWithOtherProblems: unknown members do not hide the
// problems of the values; all are listed at once, the unknown members first.
func TestRead_UnknownFieldsWithOtherProblems(t *testing.T) {
	doc := demoDoc(t)
	set(t, doc, "colour", "blu")
	set(t, doc, obj0+".priority", "alta")
	set(t, doc, ind0+".unit", "kg")
	_, err := readDoc(t, doc)
	checkErrors(t, err, fielderr.List{
		fe(obj0+".priority", "campo sconosciuto"), // members in name order
		fe("colour", "campo sconosciuto"),
		fe(ind0+".unit", "unità di misura non ammessa: usare una tra "+unitList),
	})
	// Decode alone still reports the shape only.
	if _, err := interchange.Decode(bytes.NewReader(toJSON(t, doc))); len(fieldErrors(t, err)) != 2 {
		t.Errorf("Decode: %v", err)
	}
}
