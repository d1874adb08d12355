package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
)

// indicatorTarget loads the cycle of the URL and the indicator {iid} in it,
// with its objective and centre; an indicator of another cycle is missing.
func (s *Server) indicatorTarget(r *http.Request) (*plan.Cycle, *plan.Centre, *plan.Objective, int, error) {
	c, err := s.loadCycle(r)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	id, err := idParam(r, "iid")
	if err != nil {
		return nil, nil, nil, 0, err
	}
	for _, ce := range c.Centres {
		for _, o := range ce.Objectives {
			for i, in := range o.Indicators {
				if in.ID == id {
					return c, ce, o, i, nil
				}
			}
		}
	}
	return nil, nil, nil, 0, notFound("L'indicatore richiesto non esiste in questo ciclo.")
}

func indicatorURL(year int, id int64) string {
	return cycleURL(year) + "/indicatori/" + strconv.FormatInt(id, 10)
}

func indicatorFormOf(in *plan.Indicator) pages.IndicatorForm {
	f := pages.IndicatorForm{
		Name: in.Name, Description: in.Description, Unit: string(in.Unit), Polarity: string(in.Polarity),
	}
	if in.Weight != nil {
		f.Weight = components.NumberInput(*in.Weight)
	}
	if in.Unit.IsYesNo() {
		f.ExpectedYesNo = components.Value(in.Unit, in.Expected)
	} else {
		f.Expected = components.NumberInput(in.Expected)
	}
	return f
}

// parseIndicator reads the form into an indicator, checking it by the plan's
// rules. The form has two expected-value fields, and the unit says which one
// counts: the si/no choice for a si/no unit, the number for any other.
func parseIndicator(r *http.Request, errs components.FieldErrors) (pages.IndicatorForm, *plan.Indicator) {
	f := pages.IndicatorForm{
		Name:          strings.TrimSpace(r.PostFormValue("name")),
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
// refused row is about the expected value, unless the plan was approved in
// the meantime.
func conflictField(err error, f pages.IndicatorForm) string {
	switch {
	case errors.Is(err, store.ErrPlanFrozen):
		return ""
	case domain.Unit(f.Unit).IsYesNo():
		return "expected_yesno"
	}
	return "expected"
}

func (s *Server) indicatorNew(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, err := s.objectiveTarget(r)
	if err != nil {
		return err
	}
	back := objectiveURL(c.Year, o.ID)
	v := pages.IndicatorFormView{
		Heading:    fmt.Sprintf("Nuovo indicatore dell'obiettivo %d", o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Nuovo indicatore"),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     back + "/indicatori/nuovo",
		Cancel:     back + "#indicatori",
		Approved:   c.ApprovalAct != "",
		Errors:     components.FieldErrors{},
		Form:       pages.IndicatorForm{Polarity: string(domain.Higher)},
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.IndicatorEdit(v))
		return nil
	}
	form, in := parseIndicator(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form, v.Form.VariationOn, v.Form.VariationReason = form, on, reason
	if len(v.Errors) == 0 {
		_, err := s.store.CreateIndicator(r.Context(), change(r, variation), o.ID, in)
		if err == nil {
			s.seeOther(w, r, back+"#indicatori", "Indicatore aggiunto.")
			return nil
		}
		if !storeConflict(err, v.Errors, conflictField(err, form)) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.IndicatorEdit(v))
	return nil
}

func (s *Server) indicatorEdit(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	in := o.Indicators[i]
	back := objectiveURL(c.Year, o.ID)
	v := pages.IndicatorFormView{
		Heading:    fmt.Sprintf("Modifica indicatore «%s» dell'obiettivo %d", in.Name, o.Number),
		Crumbs:     objectiveCrumbs(c.Year, ce, o, "Modifica indicatore "+strconv.Itoa(i+1)),
		CentreName: ce.Name,
		Objective:  o.Title,
		Action:     indicatorURL(c.Year, in.ID) + "/modifica",
		Cancel:     back + "#indicatori",
		Approved:   c.ApprovalAct != "",
		Values:     len(in.Values),
		Errors:     components.FieldErrors{},
		Form:       indicatorFormOf(in),
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.IndicatorEdit(v))
		return nil
	}
	form, updated := parseIndicator(r, v.Errors)
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.Form, v.Form.VariationOn, v.Form.VariationReason = form, on, reason
	if len(v.Errors) == 0 {
		err := s.store.UpdateIndicator(r.Context(), change(r, variation), in.ID, updated)
		if err == nil {
			s.seeOther(w, r, back+"#indicatori", "Indicatore aggiornato.")
			return nil
		}
		if !storeConflict(err, v.Errors, conflictField(err, form)) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.IndicatorEdit(v))
	return nil
}

func (s *Server) indicatorDelete(w http.ResponseWriter, r *http.Request) error {
	c, ce, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	in := o.Indicators[i]
	back := objectiveURL(c.Year, o.ID)
	v := pages.DeleteView{
		Heading:  fmt.Sprintf("Eliminare l'indicatore «%s» dell'obiettivo %d di %s?", in.Name, o.Number, ce.Name),
		Crumbs:   objectiveCrumbs(c.Year, ce, o, "Elimina indicatore "+strconv.Itoa(i+1)),
		What:     fmt.Sprintf("l'indicatore «%s»", in.Name),
		Action:   indicatorURL(c.Year, in.ID) + "/elimina",
		Cancel:   back + "#indicatori",
		Approved: c.ApprovalAct != "",
		Errors:   components.FieldErrors{},
		Consequences: nonZero(
			count(len(in.Values), "valore consuntivo", "valori consuntivi"),
		),
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ConfirmDelete(v))
		return nil
	}
	variation, on, reason := variationForm(r, v.Approved, v.Errors)
	v.VariationOn, v.VariationReason = on, reason
	if len(v.Errors) == 0 {
		if err := s.store.DeleteIndicator(r.Context(), change(r, variation), in.ID); err != nil {
			return err
		}
		s.seeOther(w, r, back+"#indicatori", "Indicatore eliminato.")
		return nil
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ConfirmDelete(v))
	return nil
}

func (s *Server) indicatorMove(w http.ResponseWriter, r *http.Request) error {
	c, _, o, i, err := s.indicatorTarget(r)
	if err != nil {
		return err
	}
	delta, err := moveDelta(r)
	if err != nil {
		return err
	}
	if err := s.store.MoveIndicator(r.Context(), change(r, nil), o.Indicators[i].ID, delta); err != nil {
		return err
	}
	s.seeOther(w, r, objectiveURL(c.Year, o.ID)+"#indicatori", "")
	return nil
}
