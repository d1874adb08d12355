package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// maxAreaFields bounds the areas a posted form is read for: a cycle's
// objectives name far fewer.
const maxAreaFields = 1000

// publicValuesRecord is the cycle's public values as the form's notice of
// a change saved meanwhile shows them, by the store's field name.
func publicValuesRecord(c *plan.Cycle) stored {
	var lines []string
	for _, a := range c.StrategicAreas() {
		if a.PublicValue != "" {
			lines = append(lines, a.Name+": "+a.PublicValue)
		}
	}
	return stored{version: c.PublicValuesVersion, fields: []recordField{
		{"public_values", "Valore pubblico delle aree strategiche", strings.Join(lines, "; ")},
	}}
}

// strategicAreas is the director's form of the public value (valore
// pubblico) of each strategic area the objectives of the cycle name, in
// the plan's order: each area is posted with its name (a hidden field),
// so that a save matches its text to the area it was typed for even if
// the objectives changed meanwhile. The values are checked against the
// areas as they stand (plan.CheckPublicValues): a problem shows next to
// its area, with what was typed, and nothing is saved. Versioned, audited,
// a variation once the plan is approved.
func (s *Server) strategicAreas(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v := pages.StrategicAreasView{Year: c.Year, Approved: c.Approved(), Areas: pages.StrategicAreaRows(c), Errors: components.FieldErrors{}}
	var values []plan.PublicValue
	return s.servePlanForm(w, r, planForm{
		page:     func() templ.Component { return pages.StrategicAreas(v) },
		approved: v.Approved,
		errs:     v.Errors,
		edit:     &v.Edit,
		record:   publicValuesRecord(c),
		read: func(on, reason string) {
			v.VariationOn, v.VariationReason = on, reason
			areas := c.StrategicAreas()
			names := make([]string, len(areas))
			objectives := map[string]int{}
			for i, a := range areas {
				names[i], objectives[a.Name] = a.Name, len(a.Objectives)
			}
			v.Areas, values = nil, nil
			for i := 0; i < maxAreaFields; i++ {
				name, ok := r.PostForm[pages.AreaNameField(i)]
				if !ok {
					break
				}
				area := strings.TrimSpace(strings.Join(name, ""))
				typed := strings.TrimSpace(r.PostFormValue(pages.AreaField(i)))
				v.Areas = append(v.Areas, pages.AreaRow{Name: area, Objectives: objectives[area], Value: typed})
				values = append(values, plan.PublicValue{Area: area, Value: typed})
			}
			for _, p := range plan.CheckPublicValues(values, names) {
				field := pages.AreaField(p.Index)
				if _, taken := v.Errors[field]; !taken {
					v.Errors[field] = sentence(p.Message)
				}
			}
		},
		save: func(ch store.Change) (string, string, error) {
			back := paths.Cycle(c.Year)
			if slices.Equal(plan.NormalPublicValues(values), plan.NormalPublicValues(inPlanOrder(c))) {
				return back, "Il valore pubblico delle aree strategiche è invariato: nulla da salvare.", nil
			}
			return back, "Valore pubblico delle aree strategiche salvato.", s.store.SetPublicValues(r.Context(), ch, c.Year, values)
		},
		conflictField: onField(""),
	})
}

// inPlanOrder is the public values of the areas of c, in the plan's order
// (the form's), one per area.
func inPlanOrder(c *plan.Cycle) []plan.PublicValue {
	var out []plan.PublicValue
	for _, a := range c.StrategicAreas() {
		out = append(out, plan.PublicValue{Area: a.Name, Value: a.PublicValue})
	}
	return out
}
