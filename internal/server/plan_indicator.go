package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"traguardo/internal/domain"
	"traguardo/internal/names"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// indicatorTarget loads the cycle of the URL and the indicator {iid} in it,
// with its objective and centre; an indicator of another cycle is missing.
func (s *Server) indicatorTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, int, error) {
	return s.objectiveItem(r, "iid", "L'indicatore richiesto non esiste in questo ciclo.", func(o *plan.Objective, id int64) int {
		return slices.IndexFunc(o.Indicators, func(in *plan.Indicator) bool { return in.ID == id })
	})
}

func indicatorFormOf(in *plan.Indicator) pages.IndicatorForm {
	f := pages.IndicatorForm{
		Name: in.Name, Description: in.Description, Unit: string(in.Unit), Polarity: string(in.Polarity),
	}
	if in.Weight != nil {
		f.Weight = components.NumberInput(*in.Weight)
	}
	if in.Unit.IsYesNo() {
		f.ExpectedYesNo = components.YesNoInput(in.Expected)
	} else {
		f.Expected = components.NumberInput(in.Expected)
	}
	return f
}

// indicatorRecord is an indicator as its form shows it, by the store's
// field names.
func indicatorRecord(in *plan.Indicator) stored {
	f, l := indicatorFormOf(in), pages.IndicatorLabels
	expected := recordField{"expected", l["expected"], f.Expected}
	if in.Unit.IsYesNo() {
		expected = recordField{"expected", l["expected_yesno"], f.ExpectedYesNo}
	}
	return stored{version: in.Version, fields: []recordField{
		{"name", l["name"], f.Name},
		{"description", l["description"], f.Description},
		{"unit", l["unit"], f.Unit},
		{"polarity", l["polarity"], pages.PolarityLabel(f.Polarity)},
		expected,
		{"weight", l["weight"], f.Weight},
	}}
}

// parseIndicator reads the form into an indicator, checking it by the plan's
// rules. The form has two expected-value fields, and the unit says which one
// counts: the si/no choice for a si/no unit, the number for any other.
func parseIndicator(r *http.Request, errs components.FieldErrors) (pages.IndicatorForm, *plan.Indicator) {
	f := pages.IndicatorForm{
		Name:          names.Clean(r.PostFormValue("name")),
		Description:   strings.TrimSpace(r.PostFormValue("description")),
		Unit:          strings.TrimSpace(r.PostFormValue("unit")),
		Polarity:      strings.TrimSpace(r.PostFormValue("polarity")),
		Weight:        strings.TrimSpace(r.PostFormValue("weight")),
		Expected:      strings.TrimSpace(r.PostFormValue("expected")),
		ExpectedYesNo: strings.TrimSpace(r.PostFormValue("expected_yesno")),
	}
	in := &plan.Indicator{
		Name: f.Name, Description: f.Description, Unit: domain.Unit(f.Unit), Polarity: domain.Polarity(f.Polarity),
		Weight: optionalNumber(f.Weight, "weight", errs),
	}
	// The rules' own messages name the interchange codes; a form user
	// chooses from a list, so asks for a choice.
	if f.Unit == "" {
		errs["unit"] = "Scegliere l'unità di misura."
	}
	if !in.Polarity.Valid() {
		errs["polarity"] = "Scegliere la polarità: «Più alto è meglio» o «Più basso è meglio»."
	}
	expectedField := "expected"
	switch {
	case in.Unit.IsYesNo():
		expectedField = "expected_yesno"
		switch f.ExpectedYesNo {
		case "si":
			in.Expected = 1
		case "no":
			in.Expected = 0
		default:
			errs[expectedField] = "Scegliere il valore atteso: si o no."
		}
	case f.Expected == "":
		errs[expectedField] = "Inserire il valore atteso."
	default:
		v, err := components.ParseNumber(f.Expected)
		if err != nil {
			errs[expectedField] = sentence(err.Error())
		}
		in.Expected = v
	}
	fes := in.Validate()
	for i := range fes {
		if fes[i].Field == "expected" {
			fes[i].Field = expectedField
		}
	}
	addFieldErrors(errs, fes)
	return f, in
}

// conflictField is where a refusal by the store goes: the database checks
// the expected value against the unit (a percentage is not negative), so a
// refused row is about the expected value. (A plan approved in the meantime
// goes to the whole form: storeConflict sees to that for every form.)
func conflictField(err error, f pages.IndicatorForm) string {
	if domain.Unit(f.Unit).IsYesNo() {
		return "expected_yesno"
	}
	return "expected"
}

// indicatorForm serves the form of an indicator, new (rec nil) or to edit;
// save writes the indicator as read.
func (s *Server) indicatorForm(w http.ResponseWriter, r *http.Request, v pages.IndicatorFormView, rec *stored, save func(store.Change, *plan.Indicator) (to, flash string, err error)) error {
	var in *plan.Indicator
	f := planForm{
		page:     func() templ.Component { return pages.IndicatorEdit(v) },
		approved: v.Approved,
		errs:     v.Errors,
		read: func(on, reason string) {
			v.Form, in = parseIndicator(r, v.Errors)
			v.Form.VariationOn, v.Form.VariationReason = on, reason
		},
		save:          func(ch store.Change) (string, string, error) { return save(ch, in) },
		conflictField: func(err error) string { return conflictField(err, v.Form) },
	}
	if rec != nil {
		f.edit, f.record = &v.Edit, *rec
	}
	return s.servePlanForm(w, r, f)
}

func (s *Server) indicatorNew(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := paths.Objective(c.Year, o.ID)
	v := pages.IndicatorFormView{
		Heading:    fmt.Sprintf("Nuovo indicatore dell'obiettivo %d", o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Nuovo indicatore"),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     back + "/indicatori/nuovo",
		Cancel:     back + "#indicatori",
		Approved:   c.Approved(),
		Errors:     components.FieldErrors{},
		Form:       pages.IndicatorForm{Polarity: string(domain.Higher)},
	}
	return s.indicatorForm(w, r, v, nil, func(ch store.Change, in *plan.Indicator) (string, string, error) {
		_, err := s.store.CreateIndicator(r.Context(), ch, o.ID, in)
		return back + "#indicatori", "Indicatore aggiunto.", err
	})
}

func (s *Server) indicatorEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	in := o.Indicators[i]
	back := paths.Objective(c.Year, o.ID)
	v := pages.IndicatorFormView{
		Heading:    fmt.Sprintf("Modifica %s dell'obiettivo %d", o.IndicatorLabel(i), o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Modifica indicatore "+strconv.Itoa(i+1)),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     paths.Indicator(c.Year, in.ID) + "/modifica",
		Cancel:     back + "#indicatori",
		Approved:   c.Approved(),
		Values:     len(in.Values),
		Errors:     components.FieldErrors{},
		Form:       indicatorFormOf(in),
	}
	rec := indicatorRecord(in)
	return s.indicatorForm(w, r, v, &rec, func(ch store.Change, updated *plan.Indicator) (string, string, error) {
		return back + "#indicatori", "Indicatore aggiornato.", s.store.UpdateIndicator(r.Context(), ch, in.ID, updated)
	})
}

func (s *Server) indicatorDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	in := o.Indicators[i]
	back := paths.Objective(c.Year, o.ID)
	v := pages.DeleteView{
		Heading:  fmt.Sprintf("Eliminare l'%s dell'obiettivo %d di %s?", o.IndicatorLabel(i), o.Number, ce.Name),
		Crumbs:   objectiveCrumbs(c.Year, ce, o, "Elimina indicatore "+strconv.Itoa(i+1)),
		What:     "l'" + o.IndicatorLabel(i),
		Action:   paths.Indicator(c.Year, in.ID) + "/elimina",
		Cancel:   back + "#indicatori",
		Approved: c.Approved(),
		Errors:   components.FieldErrors{},
		Consequences: nonZero(
			count(len(in.Values), "valore consuntivo", "valori consuntivi"),
		),
	}
	return s.confirmDelete(w, r, v, s.store.DeleteIndicator, in.ID, indicatorRecord(in), back+"#indicatori", "Indicatore eliminato.")
}

func (s *Server) indicatorMove(w http.ResponseWriter, r *http.Request) error {
	c, _, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	return s.movePlanItem(w, r, s.store.MoveIndicator, o.Indicators[i].ID, paths.Objective(c.Year, o.ID)+"#indicatori")
}
