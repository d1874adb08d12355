// Package pages holds one templ component per page, each with its typed view.
package pages

import (
	"traguardo/internal/plan"
)

// Rights are what the signed-in user may do on a page, as flags the server
// fills from the access policy: templates show or hide controls by them and
// never ask the policy themselves.
type Rights struct {
	EditPlan    bool // build and vary the plan, import
	ApprovePlan bool // approve the plan, correct its act
	Neutralise  bool // neutralise an indicator (the director, the Nucleo)
	Comment     bool // comment an objective of the Relazione sent (the Nucleo)
}

// editable reports whether the user may restructure the cycle's plan in
// place: reordering stops once the plan is approved.
func editable(may Rights, c *plan.Cycle) bool {
	return !c.Approved() && may.EditPlan
}
