package plan

import (
	"fmt"
	"time"
)

// The dates of a plan's life: the act that approves it, then the
// variations. Days are calendar days as UTC midnights (domain.Today).

// ApprovalDateProblem says what is wrong with on as the date of the act
// approving the plan of year, today: such an act is of that year or of the
// year before, and not yet to come. "" when nothing is.
func ApprovalDateProblem(year int, on, today time.Time) string {
	switch {
	case on.Year() < year-1 || on.Year() > year:
		return fmt.Sprintf("l'atto che approva il piano %d è del %d o del %d", year, year-1, year)
	case on.After(today):
		return "la data dell'atto non può essere futura"
	}
	return ""
}

// VariationDateProblem says what is wrong with on as the date of a
// variation of a plan approved on approvedOn, today: a variation follows the
// approval and is not yet to come. "" when nothing is.
func VariationDateProblem(approvedOn, on, today time.Time) string {
	switch {
	case on.Before(approvedOn):
		return "una variazione segue l'approvazione del piano: la data non può precedere il " + approvedOn.Format("02/01/2006")
	case on.After(today):
		return "la data della variazione non può essere futura"
	}
	return ""
}
