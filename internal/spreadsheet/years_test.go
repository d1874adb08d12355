package spreadsheet_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
	"traguardo/internal/plan"
	"traguardo/internal/spreadsheet"
)

// readFor reads a workbook for the cycle of year, its dates moved by shift
// years, into the plan, or its errors and the move offered.
func readFor(t testing.TB, b []byte, year, shift int) (*plan.Cycle, fielderr.List, *plan.YearShift) {
	t.Helper()
	c, err := spreadsheet.ReadPlanWith(bytes.NewReader(b), spreadsheet.Options{Year: year, ShiftYears: shift})
	if err == nil {
		return c, nil, nil
	}
	var errs fielderr.List
	if !errors.As(err, &errs) {
		t.Fatalf("ReadPlanWith error is a %T: %v", err, err)
	}
	var shiftable *plan.Shiftable
	if errors.As(err, &shiftable) {
		return nil, errs, &shiftable.Shift
	}
	return nil, errs, nil
}

// plannedMonths lists the planned spans of every activity, in plan order.
func plannedMonths(c *plan.Cycle) []string {
	var out []string
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				out = append(out, fmt.Sprintf("%v/%v/%v", a.Planned.From, a.Planned.To, a.Planned.Annual))
			}
		}
	}
	return out
}

// TestReadPlan_AnotherYear: the plan of 2024 loaded into the cycle 2025 is
// refused at the year of its sheet "Ciclo" and at the month that cannot
// belong to 2025 (November 2023), with the offer to move every date by a
// year; read with that move it is the plan of 2025.
func TestReadPlan_AnotherYear(t *testing.T) {
	b := write(t, smallCycle(t))
	outside := "mese fuori dal ciclo 2025: le attività del ciclo hanno mesi dal 2024 al 2026"
	_, errs, offer := readFor(t, b, 2025, 0)
	want := fielderr.List{
		{Sheet: "Attività", Row: 5, Column: "F", Message: outside},
		{Sheet: "Ciclo", Row: 2, Column: "A", Message: "il foglio è del ciclo 2024, non del ciclo 2025 in cui si carica il piano"},
	}
	if !slices.Equal(errs, want) {
		t.Errorf("errors:\n%v\nwant:\n%v", errs, want)
	}
	if offer == nil || *offer != (plan.YearShift{Years: 1, From: 2024, To: 2025}) {
		t.Errorf("offer %+v, want 1 year from 2024 to 2025", offer)
	}

	c, errs, _ := readFor(t, b, 2025, 1)
	if errs != nil {
		t.Fatalf("moved by a year: %v", errs)
	}
	if got, want := plannedMonths(c), []string{"2025-01/2025-03/false", "<nil>/<nil>/true", "<nil>/<nil>/false", "2024-11/<nil>/false"}; !slices.Equal(got, want) {
		t.Errorf("months %q, want %q", got, want)
	}
	if c.Year != 2025 || len(c.Periods) != 4 || c.Periods[3].EndsOn != time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC) {
		t.Errorf("year %d, periods %v", c.Year, c.Periods)
	}

	// A move too far is refused the same way, the months after the move
	// in the messages; the offer is the move that brings them in.
	_, errs, offer = readFor(t, b, 2025, 5)
	if len(errs) != 4 || errs[0].Message != "mese fuori dal ciclo 2025: le attività del ciclo hanno mesi dal 2024 al 2026 (con lo spostamento di 5 anni diventa 2029-01)" ||
		errs[3].Message != "il foglio è del ciclo 2024: con lo spostamento di 5 anni diventa 2029, non il ciclo 2025 in cui si carica il piano" {
		t.Errorf("moved by 5 years: %v", errs)
	}
	if offer == nil || *offer != (plan.YearShift{Years: 1, From: 2024, To: 2025}) {
		t.Errorf("offer after a move of 5 years: %+v", offer)
	}
}

// TestReadPlan_AnotherYearWithoutCycleSheet: with no sheet "Ciclo" the
// months alone say the year: those that cannot belong to the cycle are
// refused, and the move offered starts from the year most of them are in.
func TestReadPlan_AnotherYearWithoutCycleSheet(t *testing.T) {
	b := edit(t, write(t, smallCycle(t)), func(f *excelize.File) {
		if err := f.DeleteSheet("Ciclo"); err != nil {
			t.Fatal(err)
		}
	})
	outside := "mese fuori dal ciclo 2027: le attività del ciclo hanno mesi dal 2026 al 2028"
	_, errs, offer := readFor(t, b, 2027, 0)
	want := fielderr.List{
		{Sheet: "Attività", Row: 2, Column: "F", Message: outside},
		{Sheet: "Attività", Row: 2, Column: "G", Message: outside},
		{Sheet: "Attività", Row: 5, Column: "F", Message: outside},
	}
	if !slices.Equal(errs, want) {
		t.Errorf("errors:\n%v\nwant:\n%v", errs, want)
	}
	if offer == nil || *offer != (plan.YearShift{Years: 3, From: 2024, To: 2027}) {
		t.Errorf("offer %+v, want 3 years from 2024 to 2027", offer)
	}
	// In the cycle 2024 itself, or read for no cycle, it is right.
	readFor(t, b, 2024, 0)
	read(t, b)
}

// TestReadPlan_MonthOutsideItsOwnYear: read for no cycle, the months must
// still fit the workbook's own year; one far away is refused at its cell,
// with nothing to offer.
func TestReadPlan_MonthOutsideItsOwnYear(t *testing.T) {
	b := edit(t, write(t, smallCycle(t)), func(f *excelize.File) {
		if err := f.SetCellValue("Attività", "G2", "2030-03"); err != nil {
			t.Fatal(err)
		}
	})
	errs := readErrors(t, b)
	want := fielderr.List{{Sheet: "Attività", Row: 2, Column: "G", Message: "mese fuori dal ciclo 2024: le attività del ciclo hanno mesi dal 2023 al 2025"}}
	if !slices.Equal(errs, want) {
		t.Errorf("errors:\n%v\nwant:\n%v", errs, want)
	}
	if _, _, offer := readFor(t, b, 2024, 0); offer != nil {
		t.Errorf("an offer for one wrong month: %+v", offer)
	}
}

// TestReadPlan_DemoIntoAnotherYear: the demo plan of 2023 into the cycle
// 2025 is refused at each month of 2023 (its months of 2024 fit) and at
// the year; moved by two years it is the demo plan two years later.
func TestReadPlan_DemoIntoAnotherYear(t *testing.T) {
	demo := demoCycle(t)
	b := write(t, demo)
	_, errs, offer := readFor(t, b, 2025, 0)
	n2023 := 0
	for _, ce := range demo.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				for _, m := range []*domain.Month{a.Planned.From, a.Planned.To} {
					if m != nil && m.Year == 2023 {
						n2023++
					}
				}
			}
		}
	}
	if n2023 == 0 || len(errs) != n2023+1 {
		t.Errorf("%d errors, want one per planned month of 2023 (%d) and the year", len(errs), n2023)
	}
	if offer == nil || *offer != (plan.YearShift{Years: 2, From: 2023, To: 2025}) {
		t.Errorf("offer %+v", offer)
	}
	c, errs, _ := readFor(t, b, 2025, 2)
	if errs != nil {
		t.Fatalf("moved by two years: %v", errs)
	}
	var want []string
	for _, ce := range demo.Centres {
		for _, o := range ce.Objectives {
			for _, a := range o.Activities {
				s := a.Planned
				if s.From != nil {
					m := *s.From
					m.Year += 2
					s.From = &m
				}
				if s.To != nil {
					m := *s.To
					m.Year += 2
					s.To = &m
				}
				want = append(want, fmt.Sprintf("%v/%v/%v", s.From, s.To, s.Annual))
			}
		}
	}
	if got := plannedMonths(c); !slices.Equal(got, want) {
		t.Errorf("months not moved by two years:\n got %.300q\nwant %.300q", got, want)
	}
}
