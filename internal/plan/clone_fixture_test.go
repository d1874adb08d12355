package plan

import (
	"reflect"
	"testing"
	"time"

	"traguardo/internal/domain"
)

// fullCycle is a cycle every field of which, at every depth, is set (no
// zero value, no nil pointer, no empty slice; TestFullCycle_SetsEveryField
// checks it): two centres, so that the clone's records of each kind are
// cut from shared slabs, each with weights, intermediate targets,
// neutralisations, overrides, submissions, reopenings and computed figures.
// The figures are written in, not computed: a clone copies what it finds.
// A field added to the plan fails that test until it is set here.
func fullCycle() *Cycle {
	day := func(m time.Month, d int) time.Time { return time.Date(2030, m, d, 0, 0, 0, 0, time.UTC) }
	month := func(m time.Month) *domain.Month { return &domain.Month{Year: 2030, Month: m} }
	f := func(v float64) *float64 { return &v }
	c := &Cycle{
		ID: 1, Organisation: "Comune", Year: 2030,
		Bands:       domain.Bands{Reached: 90, Partial: 40},
		Rules:       domain.Rules{Rounding: domain.TruncateWhole, Cap: 120},
		ApprovalAct: "delibera 1", ApprovedOn: &[]time.Time{day(1, 31)}[0],
		Version: 3,
		Periods: []Period{
			{ID: 11, EndsOn: day(6, 30), OpensOn: day(6, 1), ClosesOn: day(7, 20)},
			{ID: 12, EndsOn: day(12, 31), OpensOn: day(12, 1), ClosesOn: day(12, 31)},
		},
		PublicValues:        []PublicValue{{Area: "Area", Value: "Valore"}},
		PublicValuesVersion: 2,
		Figure:              Figure{Achievement: f(77.5), Raw: 77.51, Band: domain.Band("parziale"), Pending: true, Interim: true, Covered: 1, Of: 2},
		Unsent:              1, AsOf: day(6, 30), YearResult: true,
		evaluated: [2]time.Time{day(6, 30), day(7, 1)},
	}
	for i := range 2 {
		n := int64(100 * (i + 1))
		ce := &Centre{
			ID: domain.CycleCentreID(n), CentreID: domain.CentreID(n + 1), Name: "Centro", Manager: "Rossi", Version: 2,
			Submissions: []Submission{{
				Period: day(6, 30), State: Returned, Comment: "rivedere", Version: 2,
				SubmittedAt: day(7, 2), ReviewedAt: day(7, 3), SubmittedBy: 5, ReviewedBy: 6,
			}},
			Reopenings: []Reopening{{Period: day(6, 30), Until: day(7, 31)}},
			Figure:     Figure{Achievement: f(80), Raw: 80.04, Band: domain.Band("parziale"), Pending: true, Interim: true, Covered: 1, Of: 2},
			State:      Returned,
			Missed:     true,
		}
		for j := range 2 {
			m := n + int64(10*(j+1))
			o := &Objective{
				ID: m, Section: "A", Number: j + 1, Title: "Obiettivo", StrategicArea: "Area", OperationalObjective: "Operativo",
				PEGProject: "PEG", Services: "Servizi", EndUsers: "Utenti", Networks: "Reti", DescriptionHTML: "<p>testo</p>",
				Weight: f(2), Group: "G1", Version: 4,
				Activities: []*Activity{{
					ID: m + 1, Description: "Attività", Version: 1,
					Planned: domain.Span{From: month(1), To: month(6), Annual: true},
					Progress: []Progress{{
						Period: day(6, 30), Actual: domain.Span{From: month(2), To: month(7), Annual: true}, Reason: "ritardo",
					}},
					ActivityFigures: ActivityFigures{
						Known:    Progress{Period: day(3, 31), Actual: domain.Span{From: month(2), To: month(8), Annual: true}, Reason: "prima"},
						Recorded: true, Earlier: true, Late: true,
					},
				}},
				Reports: []Report{{Period: day(6, 30), Status: domain.ReportStatus("in_linea"), TextHTML: "<p>relazione</p>", Version: 2}},
				ObjectiveResult: ObjectiveResult{
					Figure: Figure{Achievement: f(70), Raw: 70.02, Band: domain.Band("parziale"), Pending: true, Interim: true, Covered: 1, Of: 1},
					Mean:   domain.Mean{Terms: []domain.Term{{Value: 70, Weight: 1}}, Sum: 70, Total: 1, Value: 70, OK: true},
					Status: domain.Critical, LateActivities: 1, Gaps: 2,
				},
			}
			for k := range 2 {
				in := &Indicator{
					ID: m + int64(k+2), Name: "Indicatore", Description: "Descrizione", Unit: domain.Unit("%"), Polarity: domain.Polarity("alto"),
					Weight: f(3), Expected: 100, Version: 5,
					Values: []Value{
						{Period: day(6, 30), Value: 40, NotMeasurable: true, Reason: "non rilevabile"},
						{Period: day(12, 31), Value: 90, NotMeasurable: true, Reason: "stima"},
					},
					Targets:     []Target{{Period: day(6, 30), Value: 50}},
					Neutralised: &Neutralisation{Reason: "non pertinente", By: "nucleo"},
					Override:    &Override{Pct: 90, Reason: "atti in bozza"},
					Overrides:   []PeriodOverride{{Period: day(6, 30), Pct: 70, Reason: "dato del 30/06 incompleto"}},
				}
				in.IndicatorFigures = IndicatorFigures{
					At: &in.Values[0], Actual: f(40), Latest: &in.Values[1], Target: 50, Intermediate: true,
					Achievement: 80, Raw: 80.2, Computed: 79.9, Judged: true, Band: domain.Band("parziale"), Overridden: true, Missing: true, Pending: true,
					InForce: PeriodOverride{Period: day(6, 30), Pct: 70, Reason: "dato del 30/06 incompleto"},
					Score: domain.Score{Pct: 80, Missing: true, Method: domain.Method("rapporto"), Expected: 50, Actual: 40,
						Ratio: 80, Cap: 120, Capped: true},
				}
				o.Indicators = append(o.Indicators, in)
			}
			ce.Objectives = append(ce.Objectives, o)
		}
		c.Centres = append(c.Centres, ce)
	}
	return c
}

// zeroFields lists the fields under v (named from path) that hold a zero
// value, a nil pointer or an empty slice, and the maps, interfaces,
// channels and functions, which Clone does not copy.
func zeroFields(path string, v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return []string{path + " is nil"}
		}
		return zeroFields(path, v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			return []string{path + " is empty"}
		}
		var out []string
		for i := range v.Len() {
			out = append(out, zeroFields(path+"[]", v.Index(i))...)
		}
		return out
	case reflect.Array:
		var out []string
		for i := range v.Len() {
			out = append(out, zeroFields(path+"[]", v.Index(i))...)
		}
		return out
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			if v.IsZero() {
				return []string{path + " is zero"}
			}
			return nil
		}
		var out []string
		for i := range v.NumField() {
			out = append(out, zeroFields(path+"."+v.Type().Field(i).Name, v.Field(i))...)
		}
		return out
	case reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return []string{path + ": a " + v.Kind().String() + ", which Clone does not copy"}
	default:
		if v.IsZero() {
			return []string{path + " is zero"}
		}
		return nil
	}
}

// TestFullCycle_SetsEveryField: the fixture of the clone test leaves no
// field of any record zero, so that the test covers each.
func TestFullCycle_SetsEveryField(t *testing.T) {
	for _, z := range zeroFields("Cycle", reflect.ValueOf(fullCycle())) {
		t.Errorf("%s: set it in fullCycle", z)
	}
}

// TestClone_FullCycle clones the cycle that sets every field: the clone
// equals it, shares with it no pointer and no slice (but the months of
// the activities' spans, which are never changed in place, only
// replaced), its indicators' At and Latest point into its own values, and
// changing every field of the clone, appending to its slices and
// replacing its months leaves the original as it was.
func TestClone_FullCycle(t *testing.T) {
	c := fullCycle()
	cl := c.Clone()
	if !reflect.DeepEqual(c, cl) {
		t.Fatal("the clone differs from the cycle")
	}
	var shared func(path string, a, b reflect.Value)
	shared = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Pointer:
			if a.Type() == reflect.TypeFor[*domain.Month]() {
				return
			}
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: the same pointer", path)
			}
			shared(path, a.Elem(), b.Elem())
		case reflect.Slice:
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: the same slice", path)
			}
			for i := range a.Len() {
				shared(path+"[]", a.Index(i), b.Index(i))
			}
		case reflect.Struct:
			if a.Type() == reflect.TypeFor[time.Time]() {
				return // a value: its location is shared by every copy
			}
			for i := range a.NumField() {
				shared(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	}
	shared("Cycle", reflect.ValueOf(c), reflect.ValueOf(cl))
	for _, ce := range cl.Centres {
		for _, o := range ce.Objectives {
			for _, in := range o.Indicators {
				if in.At != &in.Values[0] || in.Latest != &in.Values[1] {
					t.Errorf("indicator %d: At and Latest do not point into the clone's values", in.ID)
				}
			}
		}
	}

	want := fullCycle()
	if !reflect.DeepEqual(c, want) {
		t.Fatal("cloning changed the cycle")
	}
	change(reflect.ValueOf(cl).Elem())
	cl.evaluated = [2]time.Time{}
	if !reflect.DeepEqual(c, want) {
		t.Error("changing the clone changed the cycle")
	}
	if reflect.DeepEqual(cl, want) {
		t.Error("the clone was not changed")
	}
}

// change sets every exported field under v (addressable) to another value,
// appends to every slice, and replaces (never changes) the months.
func change(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type() == reflect.TypeFor[*domain.Month]() {
			v.Set(reflect.ValueOf(&domain.Month{Year: 1999, Month: time.March}))
			return
		}
		change(v.Elem())
	case reflect.Slice:
		for i := range v.Len() {
			change(v.Index(i))
		}
		v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).AddDate(1, 0, 0)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				change(v.Field(i))
			}
		}
	case reflect.String:
		v.SetString(v.String() + "*")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	default:
		panic("change: a field of kind " + v.Kind().String())
	}
}
