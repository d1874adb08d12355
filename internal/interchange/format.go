// Package interchange reads and writes the JSON interchange format, version 1:
// one document per cycle holding the plan and every monitoring period's data.
//
// Monitoring data, all of it optional on import (a plan without data, such
// as a document written before these fields existed, reads as it did):
//
//   - an indicator's "values": one per period, {"period", "value", "reason"};
//     a value recorded as not measurable is {"period": …, "value": null,
//     "not_measurable": true, "reason": "…"} (the reason is then required);
//   - an indicator's "targets": intermediate targets, [{"period": …,
//     "target": n}] (a boolean for si/no), against which that period's
//     figures are measured (the last period is always measured against
//     "expected");
//   - an activity's "progress" and an objective's "reports" (with "status");
//   - a centre's "submissions": [{"period": …, "state": "inviato" |
//     "restituito" | "approvato", "comment": "…" or null}].
//
// The rules of measurement, optional (absent, they are the defaults of
// docs/domain.md; written on export only when some differ):
//
//   - the document's "rules": {"rounding": "un_decimale" |
//     "intero_troncato", "cap": 100..200, "band_reached": …,
//     "band_partial": …}, each field optional, a missing one the default
//     (one decimal, 100, 95, 50);
//   - an indicator's "override": {"achievement": 0..cap, "reason": "…"},
//     the director's achievement in place of the computed one, for a
//     written reason (the indicator still counts, with it; unlike
//     "neutralised", which leaves it out of the averages), at every period;
//   - an indicator's "overrides": the director's achievements of single
//     periods, [{"period": …, "achievement": 0..cap, "reason": "…"}]: at
//     its period one takes the place of the computed achievement and of
//     "override" (at most one per period, of the cycle's periods).
//
// The public values of the strategic areas, optional: "strategic_areas":
// [{"name": "…", "public_value": "…"}], each name one that some
// objective's "strategic_area" gives, at most once; an empty
// "public_value" is none. Written on export only when some area has one.
//
// Output only, ignored on import: "figures" says which period the computed
// fields are at ({"period": "2024-06-30", "year_result": false}; the year's
// result is the last period's, once it has data); an indicator's "actual" is
// its value at that period (null when it has none: never an earlier one),
// and "latest" the latest earlier value when "actual" is null ({"period",
// "value"}, shown as "al 30/06"); "pending": true marks an objective or a
// centre "da rilevare" (nothing recorded yet, window open: its achievement
// is null, not 0); every "achievement", "band" and "label".
package interchange

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Format is the value of the "format" field of a version 1 document.
const Format = "traguardo/v1"

// Document is a whole cycle in the v1 format. Field order is the output order.
type Document struct {
	Format       string       `json:"format"`
	Organisation Organisation `json:"organisation"`
	Year         int          `json:"year"`
	Periods      []string     `json:"periods"`
	Rules        *Rules       `json:"rules,omitempty"`
	// StrategicAreas are the public values of the strategic areas the
	// objectives name (written in the plan's order, only the areas that
	// have one).
	StrategicAreas []StrategicArea `json:"strategic_areas,omitempty"`
	Figures        *Figures        `json:"figures,omitempty"`
	Centres        []Centre        `json:"centres"`
	Achievement    *float64        `json:"achievement"`
}

// Rules are a cycle's rules of measurement; a zero field is the default.
type Rules struct {
	Rounding    string   `json:"rounding,omitempty"`
	Cap         float64  `json:"cap,omitempty"`
	BandReached *float64 `json:"band_reached,omitempty"`
	BandPartial *float64 `json:"band_partial,omitempty"`
}

// StrategicArea is a strategic area named by the objectives
// ("strategic_area") with the public value (valore pubblico, PIAO section
// 2.1) the body pursues through it.
type StrategicArea struct {
	Name        string `json:"name"`
	PublicValue string `json:"public_value"`
}

// Organisation is the public body.
type Organisation struct {
	Name string `json:"name"`
}

// Figures says which period the computed fields of a document are at
// (output only).
type Figures struct {
	Period     string `json:"period"`
	YearResult bool   `json:"year_result"`
}

// Centre is a centre of responsibility with its objectives.
type Centre struct {
	Name        string       `json:"name"`
	Manager     string       `json:"manager"`
	Submissions []Submission `json:"submissions,omitempty"`
	Objectives  []Objective  `json:"objectives"`
	Achievement *float64     `json:"achievement"`
	Pending     bool         `json:"pending,omitempty"`
}

// Submission is a centre's submission of a period and its review.
type Submission struct {
	Period  string  `json:"period"`
	State   string  `json:"state"`
	Comment *string `json:"comment"`
}

// Objective is an objective of performance.
type Objective struct {
	Section              string      `json:"section"`
	Number               int         `json:"number"`
	Title                string      `json:"title"`
	StrategicArea        string      `json:"strategic_area"`
	OperationalObjective string      `json:"operational_objective"`
	PEGProject           string      `json:"peg_project"`
	Services             string      `json:"services"`
	EndUsers             string      `json:"end_users"`
	Networks             string      `json:"networks"`
	DescriptionHTML      string      `json:"description_html"`
	Weight               *float64    `json:"weight"`
	Group                *string     `json:"group"`
	Activities           []Activity  `json:"activities"`
	Indicators           []Indicator `json:"indicators"`
	Reports              []Report    `json:"reports"`
	Achievement          *float64    `json:"achievement"`
	Band                 *string     `json:"band"`
	Pending              bool        `json:"pending,omitempty"`
}

// Activity is a step of an objective.
type Activity struct {
	Description string     `json:"description"`
	Planned     Span       `json:"planned"`
	Progress    []Progress `json:"progress"`
	Actual      *Span      `json:"actual"`
}

// Progress is an activity's actual span at a period.
type Progress struct {
	Period string  `json:"period"`
	Actual Span    `json:"actual"`
	Reason *string `json:"reason"`
}

// Indicator is a result indicator.
type Indicator struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Unit        string           `json:"unit"`
	Polarity    string           `json:"polarity"`
	Weight      *float64         `json:"weight"`
	Expected    *Value           `json:"expected"`
	Values      []IndicatorData  `json:"values"`
	Targets     []Target         `json:"targets,omitempty"`
	Neutralised *Neutralised     `json:"neutralised"`
	Override    *Override        `json:"override,omitempty"`
	Overrides   []PeriodOverride `json:"overrides,omitempty"`
	Actual      *Value           `json:"actual"`
	Latest      *Latest          `json:"latest,omitempty"`
	Achievement *float64         `json:"achievement"`
}

// IndicatorData is an indicator's value at a period; a value not measurable
// has a null value, NotMeasurable and a reason.
type IndicatorData struct {
	Period        string  `json:"period"`
	Value         *Value  `json:"value"`
	NotMeasurable bool    `json:"not_measurable,omitempty"`
	Reason        *string `json:"reason"`
}

// Target is an indicator's intermediate target for a period.
type Target struct {
	Period string `json:"period"`
	Target *Value `json:"target"`
}

// Latest is an indicator's latest value before the period of the figures,
// when it has none at that period (output only).
type Latest struct {
	Period string `json:"period"`
	Value  *Value `json:"value"`
}

// Neutralised records that an indicator is left out of every average, and why.
type Neutralised struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// Override is the director's achievement of an indicator, in percent, and why.
type Override struct {
	Achievement float64 `json:"achievement"`
	Reason      string  `json:"reason"`
}

// PeriodOverride is the director's achievement of an indicator at one
// period, in percent, and why.
type PeriodOverride struct {
	Period      string  `json:"period"`
	Achievement float64 `json:"achievement"`
	Reason      string  `json:"reason"`
}

// Report is a progress report of a period.
type Report struct {
	Period   string  `json:"period"`
	Status   *string `json:"status"`
	TextHTML string  `json:"text_html"`
}

// Span is a span of months: From/To as "YYYY-MM" (either may be null), or
// Annual. Label is written on output and ignored on input.
type Span struct {
	From   *string
	To     *string
	Annual bool
	Label  string
}

type spanJSON struct {
	From   *string `json:"from"`
	To     *string `json:"to"`
	Annual bool    `json:"annual,omitempty"`
	Label  string  `json:"label,omitempty"`
}

type annualJSON struct {
	Annual bool   `json:"annual"`
	Label  string `json:"label,omitempty"`
}

// MarshalJSON writes {"annual": true} or {"from": …, "to": …}, with the label when set.
func (s Span) MarshalJSON() ([]byte, error) {
	if s.Annual {
		return marshal(annualJSON{Annual: true, Label: s.Label})
	}
	return marshal(spanJSON{From: s.From, To: s.To, Label: s.Label})
}

// UnmarshalJSON reads a span; unknown members are caught earlier by Decode.
func (s *Span) UnmarshalJSON(b []byte) error {
	var j spanJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Span(j)
	return nil
}

// Value is an indicator value: a number, or a boolean for si/no units.
type Value struct {
	Num    float64
	Bool   bool
	IsBool bool
}

// MarshalJSON writes a JSON number or boolean.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.IsBool {
		return json.Marshal(v.Bool)
	}
	return json.Marshal(v.Num)
}

// UnmarshalJSON reads a JSON number or boolean.
func (v *Value) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", "false":
		*v = Value{Bool: string(b) == "true", IsBool: true}
		return nil
	}
	var n float64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("atteso un numero o vero/falso")
	}
	*v = Value{Num: n}
	return nil
}

// marshal encodes without HTML escaping, so rich text stays readable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
