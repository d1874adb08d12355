// Package interchange reads and writes the JSON interchange format, version 1:
// one document per cycle holding the plan and every monitoring period's data.
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
	Centres      []Centre     `json:"centres"`
	Achievement  *float64     `json:"achievement"`
}

// Organisation is the public body.
type Organisation struct {
	Name string `json:"name"`
}

// Centre is a centre of responsibility with its objectives.
type Centre struct {
	Name        string      `json:"name"`
	Manager     string      `json:"manager"`
	Objectives  []Objective `json:"objectives"`
	Achievement *float64    `json:"achievement"`
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
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Unit        string          `json:"unit"`
	Polarity    string          `json:"polarity"`
	Weight      *float64        `json:"weight"`
	Expected    *Value          `json:"expected"`
	Values      []IndicatorData `json:"values"`
	Neutralised *Neutralised    `json:"neutralised"`
	Actual      *Value          `json:"actual"`
	Achievement *float64        `json:"achievement"`
}

// IndicatorData is an indicator's value at a period.
type IndicatorData struct {
	Period string  `json:"period"`
	Value  *Value  `json:"value"`
	Reason *string `json:"reason"`
}

// Neutralised records that an indicator is left out of every average, and why.
type Neutralised struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
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
