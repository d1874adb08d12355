// Package pages holds one templ component per page, each with its typed view.
package pages

import (
	"context"

	"traguardo/internal/auth"
	"traguardo/internal/plan"
)

// editable reports whether the signed-in user may restructure the cycle's
// plan in place: reordering stops once the plan is approved.
func editable(ctx context.Context, c *plan.Cycle) bool {
	return c.ApprovalAct == "" && auth.Can(ctx, auth.EditPlan, 0)
}
