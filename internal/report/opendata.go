package report

import (
	"bytes"
	"encoding/json"
	"time"
)

// The open data of a validated Relazione, as Amministrazione Trasparente
// publishes it: the results of the performance cycle and nothing more. It is
// made from the JSON frozen at the validation (the cycle's JSON v1 export,
// kept whole for the record), by keeping only these fields:
//
//   - the body, the year, the version and the Nucleo's validation (outcome
//     and date of the act), the period the figures are at and the rules of
//     measurement (rounding, cap, bands) that turn values into achievements;
//   - the body's, each centre's and each objective's achievement (and band);
//   - each centre's name; each objective's section, number, title, strategic
//     area, operational objective and weight;
//   - each indicator's name, description, unit, polarity, weight, expected
//     value, intermediate targets, value at each period (or that it was not
//     measurable), value at the figures' period and achievement;
//   - a neutralisation with its reason, and an achievement set by the
//     director with its reason: both decide how the indicator is measured.
//
// Left out: who manages a centre or neutralised an indicator (people), the
// reviews of submissions and their return comments, the reasons given for a
// value not measured or an activity late, the progress reports and the
// activities (the managers' working texts), the objectives' descriptive
// fields and rich texts (in the published PDF). The same frozen JSON always
// gives the same bytes, so their SHA-256 can be shown and checked.

// OpenDataFormat is the value of the "format" field of the open data.
const OpenDataFormat = "traguardo/dati-aperti/v1"

// Publication is what the open data says of the validation.
type Publication struct {
	Version     int
	Outcome     string // the state, as stored: "validata", "validata con osservazioni"
	ValidatedOn time.Time
}

type odDoc struct {
	Format       string          `json:"format"`
	Organisation string          `json:"organisation"`
	Year         int             `json:"year"`
	Report       odReport        `json:"report"`
	Figures      json.RawMessage `json:"figures,omitempty"`
	Rules        json.RawMessage `json:"rules,omitempty"`
	Achievement  *float64        `json:"achievement"`
	Centres      []odCentre      `json:"centres"`
}

type odReport struct {
	Version     int    `json:"version"`
	Outcome     string `json:"outcome"`
	ValidatedOn string `json:"validated_on"`
}

type odCentre struct {
	Name        string        `json:"name"`
	Achievement *float64      `json:"achievement"`
	Pending     bool          `json:"pending,omitempty"`
	Objectives  []odObjective `json:"objectives"`
}

type odObjective struct {
	Section              string        `json:"section"`
	Number               int           `json:"number"`
	Title                string        `json:"title"`
	StrategicArea        string        `json:"strategic_area"`
	OperationalObjective string        `json:"operational_objective"`
	Weight               *float64      `json:"weight"`
	Achievement          *float64      `json:"achievement"`
	Band                 *string       `json:"band"`
	Pending              bool          `json:"pending,omitempty"`
	Indicators           []odIndicator `json:"indicators"`
}

type odIndicator struct {
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Unit        string             `json:"unit"`
	Polarity    string             `json:"polarity"`
	Weight      *float64           `json:"weight"`
	Expected    json.RawMessage    `json:"expected"`
	Targets     []odTarget         `json:"targets,omitempty"`
	Values      []odValue          `json:"values"`
	Actual      json.RawMessage    `json:"actual"`
	Achievement *float64           `json:"achievement"`
	Neutralised *odReason          `json:"neutralised"`
	Override    *odOverride        `json:"override,omitempty"`
	Overrides   []odPeriodOverride `json:"overrides,omitempty"`
}

type odTarget struct {
	Period string          `json:"period"`
	Target json.RawMessage `json:"target"`
}

type odValue struct {
	Period        string          `json:"period"`
	Value         json.RawMessage `json:"value"`
	NotMeasurable bool            `json:"not_measurable,omitempty"`
}

type odReason struct {
	Reason string `json:"reason"`
}

type odOverride struct {
	Achievement float64 `json:"achievement"`
	Reason      string  `json:"reason"`
}

// odPeriodOverride is the director's achievement of one period only.
type odPeriodOverride struct {
	Period      string  `json:"period"`
	Achievement float64 `json:"achievement"`
	Reason      string  `json:"reason"`
}

// frozenDoc is the part of the JSON v1 export the open data reads.
type frozenDoc struct {
	Organisation struct {
		Name string `json:"name"`
	} `json:"organisation"`
	Year        int             `json:"year"`
	Rules       json.RawMessage `json:"rules"`
	Figures     json.RawMessage `json:"figures"`
	Achievement *float64        `json:"achievement"`
	Centres     []struct {
		Name        string   `json:"name"`
		Achievement *float64 `json:"achievement"`
		Pending     bool     `json:"pending"`
		Objectives  []struct {
			Section              string   `json:"section"`
			Number               int      `json:"number"`
			Title                string   `json:"title"`
			StrategicArea        string   `json:"strategic_area"`
			OperationalObjective string   `json:"operational_objective"`
			Weight               *float64 `json:"weight"`
			Achievement          *float64 `json:"achievement"`
			Band                 *string  `json:"band"`
			Pending              bool     `json:"pending"`
			Indicators           []struct {
				Name        string             `json:"name"`
				Description string             `json:"description"`
				Unit        string             `json:"unit"`
				Polarity    string             `json:"polarity"`
				Weight      *float64           `json:"weight"`
				Expected    json.RawMessage    `json:"expected"`
				Targets     []odTarget         `json:"targets"`
				Values      []odValue          `json:"values"`
				Actual      json.RawMessage    `json:"actual"`
				Achievement *float64           `json:"achievement"`
				Neutralised *odReason          `json:"neutralised"`
				Override    *odOverride        `json:"override"`
				Overrides   []odPeriodOverride `json:"overrides"`
			} `json:"indicators"`
		} `json:"objectives"`
	} `json:"centres"`
}

// compact is raw without insignificant spaces; JSON null when empty.
func compact(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return json.RawMessage("null")
	}
	return b.Bytes()
}

// optional is raw compacted, or nothing when absent or null.
func optional(raw json.RawMessage) json.RawMessage {
	c := compact(raw)
	if string(c) == "null" {
		return nil
	}
	return c
}

// OpenData makes the open data of a validated version from its frozen JSON
// v1 export: the fields listed above, indented, in the export's order.
func OpenData(frozen []byte, p Publication) ([]byte, error) {
	var in frozenDoc
	if err := json.Unmarshal(frozen, &in); err != nil {
		return nil, err
	}
	out := odDoc{Format: OpenDataFormat, Organisation: in.Organisation.Name, Year: in.Year,
		Report:  odReport{Version: p.Version, Outcome: p.Outcome, ValidatedOn: p.ValidatedOn.Format(time.DateOnly)},
		Figures: optional(in.Figures), Rules: optional(in.Rules), Achievement: in.Achievement, Centres: []odCentre{}}
	for _, ce := range in.Centres {
		c := odCentre{Name: ce.Name, Achievement: ce.Achievement, Pending: ce.Pending, Objectives: []odObjective{}}
		for _, o := range ce.Objectives {
			ob := odObjective{Section: o.Section, Number: o.Number, Title: o.Title, StrategicArea: o.StrategicArea,
				OperationalObjective: o.OperationalObjective, Weight: o.Weight, Achievement: o.Achievement, Band: o.Band,
				Pending: o.Pending, Indicators: []odIndicator{}}
			for _, in := range o.Indicators {
				ind := odIndicator{Name: in.Name, Description: in.Description, Unit: in.Unit, Polarity: in.Polarity,
					Weight: in.Weight, Expected: compact(in.Expected), Values: []odValue{}, Actual: compact(in.Actual),
					Achievement: in.Achievement, Override: in.Override, Overrides: in.Overrides}
				if in.Neutralised != nil {
					ind.Neutralised = &odReason{Reason: in.Neutralised.Reason}
				}
				for _, t := range in.Targets {
					ind.Targets = append(ind.Targets, odTarget{Period: t.Period, Target: compact(t.Target)})
				}
				for _, v := range in.Values {
					ind.Values = append(ind.Values, odValue{Period: v.Period, Value: compact(v.Value), NotMeasurable: v.NotMeasurable})
				}
				ob.Indicators = append(ob.Indicators, ind)
			}
			c.Objectives = append(c.Objectives, ob)
		}
		out.Centres = append(out.Centres, c)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
