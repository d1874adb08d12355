package plan

import (
	"strings"
	"testing"
	"time"

	"traguardo/internal/domain"
)

func TestValueProblem(t *testing.T) {
	for _, tc := range []struct {
		unit     domain.Unit
		expected float64
		v        float64
		ok       bool
	}{
		{domain.UnitCount, 5, 0, true}, {domain.UnitCount, 5, 3, true},
		{domain.UnitCount, 5, -1, false}, {domain.UnitCount, 5, 2.5, false}, {domain.UnitNumber, 5, 1.5, false},
		{domain.UnitPercent, 80, 100, true}, {domain.UnitPercent, 80, 100.5, false}, {domain.UnitPercent, 80, -1, false},
		{domain.UnitPercent, 120, 115, true}, // an indicator whose target is over 100 allows it
		{domain.UnitYesNo, 1, 1, true}, {domain.UnitYesNo, 1, 0, true}, {domain.UnitYesNo, 1, 2, false},
		{domain.UnitEuro, 100, 99.5, true}, {domain.UnitEuro, 100, -0.01, false},
		{domain.UnitDays, 30, 0, true}, {domain.UnitDays, 30, -3, false},
	} {
		if got := ValueProblem(tc.unit, tc.expected, tc.v); (got == "") != tc.ok {
			t.Errorf("ValueProblem(%q, %v, %v) = %q, want ok %v", tc.unit, tc.expected, tc.v, got, tc.ok)
		}
	}
}

func month(y int, m time.Month) *domain.Month { return &domain.Month{Year: y, Month: m} }

func TestReasonsMissing(t *testing.T) {
	end := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	higher := &Indicator{ID: 1, Name: "Incontri", Unit: domain.UnitCount, Expected: 10,
		Values:  []Value{{Period: end, Value: 4}},
		Targets: []Target{{Period: end, Value: 4}}} // at its intermediate target: no reason
	below := &Indicator{ID: 2, Name: "Elaborati", Unit: domain.UnitCount, Expected: 10,
		Values: []Value{{Period: end, Value: 4}}} // no intermediate target: not judged before the last period
	lower := &Indicator{ID: 3, Name: "Giorni", Unit: domain.UnitDays, Polarity: domain.Lower, Expected: 30,
		Values: []Value{{Period: end, Value: 40, Reason: "picco di richieste"}}} // over, with its reason
	lowerNo := &Indicator{ID: 4, Name: "Attesa", Unit: domain.UnitDays, Polarity: domain.Lower, Expected: 30,
		Values: []Value{{Period: end, Value: 31}}, Targets: []Target{{Period: end, Value: 30}}} // over its intermediate target
	nm := &Indicator{ID: 5, Name: "Soddisfazione", Unit: domain.UnitPercent, Expected: 80,
		Values: []Value{{Period: end, NotMeasurable: true, Reason: "questionario non somministrato"}}}
	late := &Activity{ID: 10, Planned: domain.Span{From: month(2024, 3), To: month(2024, 5)}} // no actual end by June
	onTime := &Activity{ID: 11, Planned: domain.Span{From: month(2024, 3), To: month(2024, 5)},
		Progress: []Progress{{Period: end, Actual: domain.Span{From: month(2024, 3), To: month(2024, 4)}}}}
	excused := &Activity{ID: 12, Planned: domain.Span{To: month(2024, 4)},
		Progress: []Progress{{Period: end, Reason: "in attesa della delibera"}}}
	future := &Activity{ID: 13, Planned: domain.Span{From: month(2024, 9), To: month(2024, 10)}}
	o := &Objective{ID: 7, Indicators: []*Indicator{higher, below, lower, lowerNo, nm}, Activities: []*Activity{late, onTime, excused, future}}
	got := o.ReasonsMissing(2024, end, false)
	var ids []int64
	for _, m := range got {
		ids = append(ids, m.IndicatorID+m.ActivityID)
	}
	if len(got) != 2 || ids[0] != 4 || ids[1] != 10 {
		t.Fatalf("ReasonsMissing = %+v, want indicator 4 and activity 10", got)
	}
	if !strings.Contains(got[0].Message, "indicatore 4 «Attesa»") || got[1].Field != ActualReasonField(10) {
		t.Errorf("messages: %+v", got)
	}
	c := &Cycle{Year: 2024, Centres: []*Centre{{Objectives: []*Objective{o}}}}
	if n := len(c.ReasonsMissing(c.Centres[0], end)); n != 2 {
		t.Errorf("the centre's ReasonsMissing: %d", n)
	}
	// At the cycle's last period the year's expected value counts, as in the
	// year's figures: "Incontri" (4, at its intermediate target but under the
	// 10 expected) then needs its reason too.
	if got := o.ReasonsMissing(2024, end, true); len(got) != 4 || got[0].IndicatorID != 1 {
		t.Errorf("ReasonsMissing at the last period = %+v, want indicator 1 as well", got)
	}
}

func TestObjectiveProgress_Validate(t *testing.T) {
	today := time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC)
	o := &Objective{
		Indicators: []*Indicator{{ID: 1, Unit: domain.UnitCount, Expected: 5}},
		Activities: []*Activity{{ID: 2}},
	}
	v := func(x float64) *float64 { return &x }
	for name, tc := range map[string]struct {
		p     ObjectiveProgress
		field string
	}{
		"ok":                {ObjectiveProgress{Values: []ValueEntry{{IndicatorID: 1, Value: v(3)}}, Activities: []ActivityEntry{{ActivityID: 2, Actual: domain.Span{From: month(2024, 4)}}}}, ""},
		"fractional":        {ObjectiveProgress{Values: []ValueEntry{{IndicatorID: 1, Value: v(2.5)}}}, ValueField(1)},
		"nm without reason": {ObjectiveProgress{Values: []ValueEntry{{IndicatorID: 1, NotMeasurable: true}}}, ValueReasonField(1)},
		"future month":      {ObjectiveProgress{Activities: []ActivityEntry{{ActivityID: 2, Actual: domain.Span{To: month(2024, 5)}}}}, ActualField(2)},
		"a year before":     {ObjectiveProgress{Activities: []ActivityEntry{{ActivityID: 2, Actual: domain.Span{From: month(2019, 4)}}}}, ActualFromField(2)},
		"years after":       {ObjectiveProgress{Activities: []ActivityEntry{{ActivityID: 2, Actual: domain.Span{To: month(2030, 4)}}}}, ActualField(2)},
		"end before start":  {ObjectiveProgress{Activities: []ActivityEntry{{ActivityID: 2, Actual: domain.Span{From: month(2024, 3), To: month(2024, 2)}}}}, ActualField(2)},
		"bad status":        {ObjectiveProgress{Status: "ottimo"}, FieldStatus},
		"oversized report":  {ObjectiveProgress{TextHTML: strings.Repeat("a", MaxRichText+1)}, FieldText},
		"another indicator": {ObjectiveProgress{Values: []ValueEntry{{IndicatorID: 99, Value: v(1)}}}, ""},
	} {
		errs := tc.p.Validate(o, 2024, today)
		switch {
		case name == "ok" && len(errs) != 0:
			t.Errorf("%s: %v", name, errs)
		case name != "ok" && (len(errs) != 1 || errs[0].Field != tc.field):
			t.Errorf("%s: %v, want one error on %q", name, errs, tc.field)
		case (name == "a year before" || name == "years after") && !strings.Contains(errs[0].Message, "mese fuori dal ciclo 2024"):
			t.Errorf("%s: %q, want the month outside the cycle (as the imports say), not in the future", name, errs[0].Message)
		}
	}
}
