package store

import (
	"fmt"

	"traguardo/internal/names"
	"traguardo/internal/plan"
)

// cleanNames applies names.Clean to the names of a cycle about to be
// imported (from a JSON document or a workbook): the organisation, each
// centre and its manager, each objective's title and each indicator's name.
// Two centres that differ only by what Clean removes are one centre twice:
// a *Conflict, since the import's own check saw them apart.
func cleanNames(c *plan.Cycle) error {
	c.Organisation = names.Clean(c.Organisation)
	seen := map[string]bool{}
	for _, ce := range c.Centres {
		ce.Name, ce.Manager = names.Clean(ce.Name), names.Clean(ce.Manager)
		if seen[ce.Name] {
			return &Conflict{Message: fmt.Sprintf("il centro %q compare più di una volta (i nomi differiscono solo per caratteri invisibili)", ce.Name)}
		}
		seen[ce.Name] = true
		for _, o := range ce.Objectives {
			o.Title = names.Clean(o.Title)
			for _, in := range o.Indicators {
				in.Name = names.Clean(in.Name)
			}
		}
	}
	return nil
}
