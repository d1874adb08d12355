package plan

import (
	"strings"

	"traguardo/internal/domain"
)

// FieldError is a problem with one field of a plan item; Field is the
// field's name in the interchange format, Message is Italian.
type FieldError struct {
	Field   string
	Message string
}

// Validate checks an objective's own fields (not its activities or
// indicators), in field order. Forms and the interchange import both call it.
func (o *Objective) Validate() []FieldError {
	var errs []FieldError
	if strings.TrimSpace(o.Section) == "" {
		errs = append(errs, FieldError{"section", "sezione mancante"})
	}
	if o.Number < 1 {
		errs = append(errs, FieldError{"number", "numero dell'obiettivo mancante o non valido (intero da 1 in su)"})
	}
	if strings.TrimSpace(o.Title) == "" {
		errs = append(errs, FieldError{"title", "titolo dell'obiettivo mancante"})
	}
	if o.Weight != nil && *o.Weight <= 0 {
		errs = append(errs, FieldError{"weight", "il peso deve essere maggiore di zero"})
	}
	return errs
}

// Validate checks an activity's description and planned months.
func (a *Activity) Validate() []FieldError {
	var errs []FieldError
	if strings.TrimSpace(a.Description) == "" {
		errs = append(errs, FieldError{"description", "descrizione dell'attività mancante"})
	}
	if err := a.Planned.Validate(); err != nil {
		errs = append(errs, FieldError{"planned", err.Error()})
	}
	return errs
}

// Validate checks an indicator's definition: name, unit, polarity, weight
// and an expected value that fits the unit.
func (in *Indicator) Validate() []FieldError {
	var errs []FieldError
	if strings.TrimSpace(in.Name) == "" {
		errs = append(errs, FieldError{"name", "nome dell'indicatore mancante"})
	}
	if !in.Unit.Valid() {
		units := make([]string, 0, len(domain.Units()))
		for _, u := range domain.Units() {
			units = append(units, string(u))
		}
		errs = append(errs, FieldError{"unit", "unità di misura non ammessa: usare una tra " + strings.Join(units, ", ")})
	}
	if !in.Polarity.Valid() {
		errs = append(errs, FieldError{"polarity", "polarità non valida: \"higher\" o \"lower\""})
	}
	if in.Weight != nil && *in.Weight <= 0 {
		errs = append(errs, FieldError{"weight", "il peso deve essere maggiore di zero"})
	}
	if in.Unit == domain.UnitPercent && in.Expected < 0 {
		errs = append(errs, FieldError{"expected", "una percentuale attesa non può essere negativa"})
	}
	if in.Unit.IsYesNo() && in.Expected != 0 && in.Expected != 1 {
		errs = append(errs, FieldError{"expected", "per un indicatore si/no il valore atteso è si o no"})
	}
	return errs
}
