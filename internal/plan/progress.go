package plan

import (
	"fmt"
	"math"
	"strings"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
)

// ObjectiveProgress is what is entered for one objective at one monitoring
// period: each indicator's value, each activity's actual months, the
// self-assessed status and the "Report al <data>" text. It is saved whole,
// as a draft, at any time.
type ObjectiveProgress struct {
	Values     []ValueEntry
	Activities []ActivityEntry
	Status     domain.ReportStatus // "" is not assessed yet
	TextHTML   string              // sanitised by the caller
}

// ValueEntry is an indicator's value at the period: a value, nothing yet
// (Value nil), or not measurable with its reason.
type ValueEntry struct {
	IndicatorID   int64
	Value         *float64
	NotMeasurable bool
	Reason        string
}

// ActivityEntry is an activity's actual months at the period, with the
// reason of a delay.
type ActivityEntry struct {
	ActivityID int64
	Actual     domain.Span
	Reason     string
}

// The fields of an ObjectiveProgress, as fielderr.Error.Field names them: per
// indicator and activity, with its id.
const FieldStatus, FieldText = "status", "text_html"

// ValueField names the field of an indicator's value.
func ValueField(indicatorID int64) string { return fmt.Sprintf("ind_%d_value", indicatorID) }

// ValueReasonField names the field of the reason of an indicator's value.
func ValueReasonField(indicatorID int64) string { return fmt.Sprintf("ind_%d_reason", indicatorID) }

// ActualField names the field of an activity's actual months: its end
// month, the one to change when the span as a whole is wrong.
func ActualField(activityID int64) string { return fmt.Sprintf("act_%d_to", activityID) }

// ActualFromField names the field of the first actual month of an activity.
func ActualFromField(activityID int64) string { return fmt.Sprintf("act_%d_from", activityID) }

// ActualReasonField names the field of the reason of an activity's delay.
func ActualReasonField(activityID int64) string { return fmt.Sprintf("act_%d_reason", activityID) }

// ValueProblem is why v cannot be an actual value of an indicator of unit
// with the expected value expected, in Italian, or "". A count is a whole
// number from 0; a percentage is from 0 to 100, or beyond 100 when the
// indicator's own expected value is beyond 100 (a growth, for instance);
// si/no is 1 or 0; euro and days are from 0.
func ValueProblem(unit domain.Unit, expected, v float64) string {
	switch unit {
	case domain.UnitCount, domain.UnitNumber:
		if v < 0 || v != math.Trunc(v) {
			return "per un conteggio inserire un numero intero, zero o maggiore"
		}
	case domain.UnitPercent:
		if v < 0 {
			return "una percentuale non può essere negativa"
		}
		if v > 100 && expected <= 100 {
			return "una percentuale non può superare 100 per questo indicatore (il valore atteso non supera 100)"
		}
	case domain.UnitYesNo:
		if v != 0 && v != 1 {
			return "per un indicatore si/no scegliere si o no"
		}
	case domain.UnitEuro:
		if v < 0 {
			return "un importo in euro non può essere negativo"
		}
	case domain.UnitDays:
		if v < 0 {
			return "un numero di giorni non può essere negativo"
		}
	}
	return ""
}

// Validate checks p as a save of o's progress at the period ending on
// periodEnd of a cycle of year, on the day today (domain.Today): every
// value allowed by its unit, a reason for a value not measurable, actual
// months valid, of the cycle's years as the imports take them (MonthFits)
// and not in the future, a known status, texts within their limits. A value below target or an activity late without a reason is no
// error here: a draft may lack it (see ReasonsMissing). An entry for an
// indicator or activity that is not o's is an error on the form as a whole.
func (p *ObjectiveProgress) Validate(o *Objective, year int, today time.Time) fielderr.List {
	var errs fielderr.List
	for _, v := range p.Values {
		in := o.indicator(v.IndicatorID)
		if in == nil {
			errs = append(errs, fielderr.Field("", "indicatore non di questo obiettivo"))
			continue
		}
		switch {
		case v.NotMeasurable && v.Value != nil:
			errs = append(errs, fielderr.Field(ValueField(in.ID), "un valore non rilevabile non ha un valore: togliere il valore o la spunta"))
		case v.NotMeasurable && strings.TrimSpace(v.Reason) == "":
			errs = append(errs, fielderr.Field(ValueReasonField(in.ID), "indicare perché il valore non è rilevabile"))
		case v.Value != nil:
			if msg := ValueProblem(in.Unit, in.Expected, *v.Value); msg != "" {
				errs = append(errs, fielderr.Field(ValueField(in.ID), msg))
			}
		}
		errs = lengths(errs, lengthRule{ValueReasonField(in.ID), v.Reason, MaxText})
	}
	now := domain.Month{Year: today.Year(), Month: today.Month()}
	for _, a := range p.Activities {
		act := o.activity(a.ActivityID)
		if act == nil {
			errs = append(errs, fielderr.Field("", "attività non di questo obiettivo"))
			continue
		}
		if err := a.Actual.Validate(); err != nil {
			errs = append(errs, fielderr.Field(ActualField(act.ID), err.Error()))
		} else if a.Actual.From != nil && !MonthFits(year, *a.Actual.From) {
			errs = append(errs, fielderr.Field(ActualFromField(act.ID), MonthOutside(year, *a.Actual.From, 0)))
		} else if a.Actual.To != nil && !MonthFits(year, *a.Actual.To) {
			errs = append(errs, fielderr.Field(ActualField(act.ID), MonthOutside(year, *a.Actual.To, 0)))
		} else if (a.Actual.From != nil && now.Before(*a.Actual.From)) || (a.Actual.To != nil && now.Before(*a.Actual.To)) {
			errs = append(errs, fielderr.Field(ActualField(act.ID), "un mese effettivo non può essere futuro"))
		}
		errs = lengths(errs, lengthRule{ActualReasonField(act.ID), a.Reason, MaxText})
	}
	if p.Status != "" && !p.Status.Valid() {
		errs = append(errs, fielderr.Field(FieldStatus, "stato non valido: in linea, a rischio o critico"))
	}
	return lengths(errs, lengthRule{FieldText, p.TextHTML, MaxRichText})
}

func (o *Objective) indicator(id int64) *Indicator {
	for _, in := range o.Indicators {
		if in.ID == id {
			return in
		}
	}
	return nil
}

func (o *Objective) activity(id int64) *Activity {
	for _, a := range o.Activities {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// TargetFor is what the indicator's value at the period ending on end is
// measured against: its intermediate target there when set, else the
// expected value of the year; at the cycle's last period (last) always the
// expected value, as the year's figures are.
func (in *Indicator) TargetFor(end time.Time, last bool) float64 {
	if t, ok := in.TargetAt(end); ok && !last {
		return t
	}
	return in.Expected
}

// BelowTarget reports whether v falls short of target for the indicator's
// polarity: under it when higher is better, over it when lower is better,
// different from it for si/no.
func (in *Indicator) BelowTarget(v, target float64) bool {
	switch {
	case in.Unit.IsYesNo():
		return v != target
	case in.Polarity == domain.Lower:
		return v > target
	}
	return v < target
}

// MissingReason is a gap or a delay at a period that has no written reason
// yet: a centre's period cannot be submitted while it has one.
type MissingReason struct {
	ObjectiveID int64
	IndicatorID int64 // 0 for an activity
	ActivityID  int64 // 0 for an indicator
	Field       string
	Message     string // Italian, for people
}

// ReasonsMissing lists the gaps and delays of the objective at the period
// ending on end, of a cycle of year, that have no reason: a value below its
// target, by polarity (the period's intermediate target; at the last
// period the year's expected value; before the last period without an
// intermediate target the value is not judged and needs no reason), and an
// activity late at the period's end (domain.Late, with its actual months
// at the period).
func (o *Objective) ReasonsMissing(year int, end time.Time, last bool) []MissingReason {
	var out []MissingReason
	for i, in := range o.Indicators {
		v := in.ValueAt(end)
		if in.Neutralised != nil || v == nil || v.NotMeasurable || strings.TrimSpace(v.Reason) != "" {
			continue
		}
		if _, intermediate := in.TargetAt(end); !last && !intermediate {
			continue // not judged before the last period
		}
		if in.BelowTarget(v.Value, in.TargetFor(end, last)) {
			out = append(out, MissingReason{ObjectiveID: o.ID, IndicatorID: in.ID, Field: ValueReasonField(in.ID),
				Message: fmt.Sprintf("%s è sotto il target: indicarne il motivo", o.IndicatorLabel(i))})
		}
	}
	for i, a := range o.Activities {
		var actual domain.Span
		var reason string
		if p := a.ProgressAt(end); p != nil {
			actual, reason = p.Actual, p.Reason
		}
		if strings.TrimSpace(reason) == "" && domain.Late(a.Planned, actual, year, end) {
			out = append(out, MissingReason{ObjectiveID: o.ID, ActivityID: a.ID, Field: ActualReasonField(a.ID),
				Message: fmt.Sprintf("l'attività %d è in ritardo: indicarne il motivo", i+1)})
		}
	}
	return out
}

// ReasonsMissing lists, for every objective of the centre, the gaps and
// delays at the period ending on end of the cycle c that have no reason;
// empty when the centre's period may be submitted as far as reasons go.
func (c *Cycle) ReasonsMissing(ce *Centre, end time.Time) []MissingReason {
	var out []MissingReason
	for _, o := range ce.Objectives {
		out = append(out, o.ReasonsMissing(c.Year, end, c.IsLast(end))...)
	}
	return out
}

// Unfilled counts what the objective still lacks at the period ending on
// end: indicators with neither a value nor "non rilevabile", activities
// never saved at the period, and whether the report has no status or no text.
type Unfilled struct {
	Values, Activities int
	Status, Text       bool
}

// Complete says nothing is missing.
func (u Unfilled) Complete() bool {
	return u.Values == 0 && u.Activities == 0 && !u.Status && !u.Text
}

// UnfilledAt says what the objective lacks at the period ending on end.
func (o *Objective) UnfilledAt(end time.Time) Unfilled {
	var u Unfilled
	for _, in := range o.Indicators {
		if in.Neutralised == nil && in.ValueAt(end) == nil {
			u.Values++
		}
	}
	for _, a := range o.Activities {
		if a.ProgressAt(end) == nil {
			u.Activities++
		}
	}
	r := o.ReportAt(end)
	u.Status = r == nil || r.Status == ""
	u.Text = r == nil || strings.TrimSpace(r.TextHTML) == ""
	return u
}
