package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"traguardo/internal/domain"
	"traguardo/internal/fielderr"
)

// Limits of what a plan item may hold: every text field has one, so that no
// field can make a page or a report unreadable (or huge) for everyone.
const (
	// MaxName bounds a name or a code: organisation, centre, manager,
	// section, group, indicator.
	MaxName = 200
	// MaxText bounds a descriptive field: a title, an activity, the header
	// fields of an objective, a reason.
	MaxText = 2000
	// MaxRichText bounds the HTML of a description or a report.
	MaxRichText = 100_000
	// MaxObjectiveNumber is the largest number of an objective in its section.
	MaxObjectiveNumber = 9999
)

// TooLong returns the Italian message for a text over max characters, or ""
// when it fits.
func TooLong(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if n <= max {
		return ""
	}
	return fmt.Sprintf("testo troppo lungo: al più %s caratteri (ne ha %s)", thousands(max), thousands(n))
}

// thousands writes n with the Italian thousands separator: 100.000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// lengths appends an error for every field over its limit.
func lengths(errs fielderr.List, fields ...lengthRule) fielderr.List {
	for _, f := range fields {
		if msg := TooLong(f.value, f.max); msg != "" {
			errs = append(errs, fielderr.Field(f.field, msg))
		}
	}
	return errs
}

type lengthRule struct {
	field, value string
	max          int
}

// Validate checks a centre's name and manager. Forms, the interchange import
// and the workbook all call it.
func (ce *Centre) Validate() fielderr.List {
	var errs fielderr.List
	if strings.TrimSpace(ce.Name) == "" {
		errs = append(errs, fielderr.Field("name", "nome del centro mancante"))
	}
	return lengths(errs, lengthRule{"name", ce.Name, MaxName}, lengthRule{"manager", ce.Manager, MaxName})
}

// Validate checks an objective's own fields (not its activities or
// indicators), in field order. Forms and the interchange import both call it.
func (o *Objective) Validate() fielderr.List {
	var errs fielderr.List
	if strings.TrimSpace(o.Section) == "" {
		errs = append(errs, fielderr.Field("section", "sezione mancante"))
	}
	if o.Number < 1 || o.Number > MaxObjectiveNumber {
		errs = append(errs, fielderr.Field("number", fmt.Sprintf("numero dell'obiettivo mancante o non valido (intero da 1 a %d)", MaxObjectiveNumber)))
	}
	if strings.TrimSpace(o.Title) == "" {
		errs = append(errs, fielderr.Field("title", "titolo dell'obiettivo mancante"))
	}
	if o.Weight != nil && *o.Weight <= 0 {
		errs = append(errs, fielderr.Field("weight", "il peso deve essere maggiore di zero"))
	}
	return lengths(errs,
		lengthRule{"section", o.Section, MaxName},
		lengthRule{"title", o.Title, MaxText},
		lengthRule{"strategic_area", o.StrategicArea, MaxText},
		lengthRule{"operational_objective", o.OperationalObjective, MaxText},
		lengthRule{"peg_project", o.PEGProject, MaxText},
		lengthRule{"services", o.Services, MaxText},
		lengthRule{"end_users", o.EndUsers, MaxText},
		lengthRule{"networks", o.Networks, MaxText},
		lengthRule{"description_html", o.DescriptionHTML, MaxRichText},
		lengthRule{"group", o.Group, MaxName},
	)
}

// Validate checks an activity's description and planned months.
func (a *Activity) Validate() fielderr.List {
	var errs fielderr.List
	if strings.TrimSpace(a.Description) == "" {
		errs = append(errs, fielderr.Field("description", "descrizione dell'attività mancante"))
	}
	errs = lengths(errs, lengthRule{"description", a.Description, MaxText})
	if err := a.Planned.Validate(); err != nil {
		errs = append(errs, fielderr.Field("planned", err.Error()))
	}
	return errs
}

// Validate checks an indicator's definition: name, unit, polarity, weight
// and an expected value that fits the unit.
func (in *Indicator) Validate() fielderr.List {
	var errs fielderr.List
	if strings.TrimSpace(in.Name) == "" {
		errs = append(errs, fielderr.Field("name", "nome dell'indicatore mancante"))
	}
	errs = lengths(errs, lengthRule{"name", in.Name, MaxName}, lengthRule{"description", in.Description, MaxText})
	if !in.Unit.Valid() {
		units := make([]string, 0, len(domain.Units()))
		for _, u := range domain.Units() {
			units = append(units, string(u))
		}
		errs = append(errs, fielderr.Field("unit", "unità di misura non ammessa: usare una tra "+strings.Join(units, ", ")))
	}
	if !in.Polarity.Valid() {
		errs = append(errs, fielderr.Field("polarity", "polarità non valida: \"higher\" o \"lower\""))
	}
	if in.Weight != nil && *in.Weight <= 0 {
		errs = append(errs, fielderr.Field("weight", "il peso deve essere maggiore di zero"))
	}
	if in.Unit == domain.UnitPercent && in.Expected < 0 {
		errs = append(errs, fielderr.Field("expected", "una percentuale attesa non può essere negativa"))
	}
	if in.Unit.IsYesNo() && in.Expected != 0 && in.Expected != 1 {
		errs = append(errs, fielderr.Field("expected", "per un indicatore si/no il valore atteso è si o no"))
	}
	return errs
}
