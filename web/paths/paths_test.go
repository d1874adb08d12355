package paths

import "testing"

func TestPaths(t *testing.T) {
	for got, want := range map[string]string{
		Cycle(2023):           "/cicli/2023",
		Centre(2023, 7):       "/cicli/2023/centri/7",
		CentreAnchor(2023, 7): "/cicli/2023#centro-7",
		Objective(2024, 12):   "/cicli/2024/obiettivi/12",
		Activity(2024, 300):   "/cicli/2024/attivita/300",
		Indicator(2024, 41):   "/cicli/2024/indicatori/41",
		Targets(2024, 41):     "/cicli/2024/indicatori/41/target",
	} {
		if got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}
