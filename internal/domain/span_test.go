package domain

import (
	"testing"
	"time"
	_ "time/tzdata" // the zone of Rome on any machine
)

func mp(s string) *Month {
	m, err := ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return &m
}

func TestSpanLabel(t *testing.T) {
	tests := []struct {
		name string
		span Span
		want string
	}{
		// The label table of docs/domain.md, cycle 2023.
		{"single month", Span{From: mp("2023-05"), To: mp("2023-05")}, "Maggio"},
		{"two months", Span{From: mp("2023-10"), To: mp("2023-11")}, "Ottobre/Novembre"},
		{"whole year as months", Span{From: mp("2023-01"), To: mp("2023-12")}, "Gennaio/Dicembre"},
		{"annual", Span{Annual: true}, "Annuale"},
		{"month of another year", Span{From: mp("2024-02"), To: mp("2024-02")}, "Febbraio 2024"},
		{"end in next year", Span{From: mp("2023-12"), To: mp("2024-04")}, "Dicembre/Aprile 2024"},
		{"open end", Span{From: mp("2023-07")}, "Da Luglio 2023"},
		{"empty", Span{}, "/"},
		// Beyond the table.
		{"start in previous year", Span{From: mp("2022-12"), To: mp("2023-01")}, "Dicembre 2022/Gennaio"},
		{"open start", Span{To: mp("2023-03")}, "Entro Marzo"},
		{"open start other year", Span{To: mp("2024-03")}, "Entro Marzo 2024"},
		{"open end other year", Span{From: mp("2024-07")}, "Da Luglio 2024"},
		{"both ends other year", Span{From: mp("2024-02"), To: mp("2024-04")}, "Febbraio 2024/Aprile 2024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.span.Label(2023); got != tc.want {
				t.Errorf("Label(2023) = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSpanValidate(t *testing.T) {
	tests := []struct {
		name    string
		span    Span
		wantErr string
	}{
		{"empty", Span{}, ""},
		{"annual", Span{Annual: true}, ""},
		{"single month", Span{From: mp("2023-05"), To: mp("2023-05")}, ""},
		{"range", Span{From: mp("2023-12"), To: mp("2024-04")}, ""},
		{"open end", Span{From: mp("2023-07")}, ""},
		{"open start", Span{To: mp("2023-07")}, ""},
		{"annual with from", Span{Annual: true, From: mp("2023-01")}, "un'attività annuale non può avere mese di inizio o di fine"},
		{"annual with to", Span{Annual: true, To: mp("2023-12")}, "un'attività annuale non può avere mese di inizio o di fine"},
		{"from after to", Span{From: mp("2023-06"), To: mp("2023-05")}, "il mese di inizio è successivo al mese di fine"},
		{"from after to across years", Span{From: mp("2024-01"), To: mp("2023-12")}, "il mese di inizio è successivo al mese di fine"},
		{"bad month", Span{From: &Month{2023, 13}}, "mese non valido: usare AAAA-MM"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.span.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate() = %q, want nil", err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Errorf("Validate() = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestSpanIsEmpty(t *testing.T) {
	if !(Span{}).IsEmpty() {
		t.Error("zero span should be empty")
	}
	for _, s := range []Span{{Annual: true}, {From: mp("2023-01")}, {To: mp("2023-01")}} {
		if s.IsEmpty() {
			t.Errorf("%+v should not be empty", s)
		}
	}
}

func TestLate(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	}
	may := Span{From: mp("2023-05"), To: mp("2023-05")}
	tests := []struct {
		name            string
		planned, actual Span
		at              time.Time
		want            bool
	}{
		{"before planned end", may, Span{}, date(2023, 5, 15), false},
		{"last day of planned end", may, Span{}, time.Date(2023, 5, 31, 23, 59, 59, 0, time.UTC), false},
		{"day after planned end", may, Span{}, date(2023, 6, 1), true},
		{"long after planned end", may, Span{}, date(2024, 1, 10), true},
		{"started but not finished", may, Span{From: mp("2023-05")}, date(2023, 7, 1), true},
		{"actual on time", may, Span{From: mp("2023-05"), To: mp("2023-05")}, date(2023, 12, 31), false},
		{"actual early", may, Span{From: mp("2023-03"), To: mp("2023-04")}, date(2023, 12, 31), false},
		{"actual late", may, Span{From: mp("2023-09"), To: mp("2023-09")}, date(2023, 12, 31), true},
		{"actual late reported early", may, Span{To: mp("2023-09")}, date(2023, 4, 1), true},
		{"annual during cycle", Span{Annual: true}, Span{}, date(2023, 12, 31), false},
		{"annual after cycle, not done", Span{Annual: true}, Span{}, date(2024, 1, 1), true},
		{"annual done as annual", Span{Annual: true}, Span{Annual: true}, date(2024, 3, 1), false},
		{"annual done in next year", Span{Annual: true}, Span{To: mp("2024-01")}, date(2024, 3, 1), true},
		{"planned in months, actual annual", Span{From: mp("2023-01"), To: mp("2023-06")}, Span{Annual: true}, date(2023, 3, 1), true},
		{"planned december, actual annual", Span{From: mp("2023-01"), To: mp("2023-12")}, Span{Annual: true}, date(2024, 3, 1), false},
		{"open planned end", Span{From: mp("2023-07")}, Span{}, date(2030, 1, 1), false},
		{"open planned end, actual set", Span{From: mp("2023-07")}, Span{To: mp("2030-01")}, date(2030, 1, 1), false},
		{"not planned", Span{}, Span{}, date(2030, 1, 1), false},
		{"open planned start", Span{To: mp("2023-03")}, Span{}, date(2023, 4, 1), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Late(tc.planned, tc.actual, 2023, tc.at); got != tc.want {
				t.Errorf("Late(%s, %s, %s) = %v, want %v",
					tc.planned.Label(2023), tc.actual.Label(2023), tc.at.Format(time.DateOnly), got, tc.want)
			}
		})
	}
}

func TestLateUsesLocalCalendarDay(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	may := Span{From: mp("2023-05"), To: mp("2023-05")}
	// 1 June 00:30 in Rome is still 31 May in UTC: late in Rome.
	at := time.Date(2023, 6, 1, 0, 30, 0, 0, rome)
	if !Late(may, Span{}, 2023, at) {
		t.Error("1 June in Rome should be late")
	}
	if Late(may, Span{}, 2023, at.UTC()) {
		t.Error("31 May in UTC should not be late")
	}
}
