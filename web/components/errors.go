package components

import (
	"cmp"
	"slices"

	"traguardo/internal/fielderr"
)

// fieldOrder is the order in which the forms show their fields; the error
// summary lists a form's errors in this order, so that they read as the form
// does. A field missing here comes after these, in alphabetical order.
var fieldOrder = []string{
	// sign-in, accounts, password
	"email", "password", "current", "new", "confirm",
	// a new cycle
	"organisation", "year", "periods",
	// an objective
	"section", "number", "title", "strategic_area", "operational_objective",
	"peg_project", "services", "end_users", "networks", "description_html",
	// an indicator (after its name), a centre, an account
	"name", "manager", "description", "role", "centres",
	"unit", "polarity", "expected", "expected_yesno",
	// an activity
	"planned_kind", "planned_from", "planned_to",
	"weight", "group",
	// cycle settings, approval, removal
	"band_reached", "band_partial", "act", "approved_on", "conferma_anno",
	"variation_on", "variation_reason",
	"ends_on", "period_variation_on", "period_variation_reason",
	// audit filter
	"actor", "entity", "from", "to",
	// the legal notices
	"status", "non_accessible", "prepared_on", "reviewed_on", "assessment", "feedback_email", "site_url",
	"organisation_info", "controller", "controller_contact", "dpo_contact", "recipients", "retention",
}

// ordered lists the errors tied to a field (not the form-wide one, under
// ""), in the order of fieldOrder.
func (errs FieldErrors) ordered() fielderr.List {
	var out fielderr.List
	for f, m := range errs {
		if f != "" && m != "" {
			out = append(out, fielderr.Field(f, m))
		}
	}
	rank := func(f string) int {
		if i := slices.Index(fieldOrder, f); i >= 0 {
			return i
		}
		return len(fieldOrder)
	}
	slices.SortFunc(out, func(a, b fielderr.Error) int {
		return cmp.Or(cmp.Compare(rank(a.Field), rank(b.Field)), cmp.Compare(a.Field, b.Field))
	})
	return out
}
