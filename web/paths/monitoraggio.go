package paths

import (
	"fmt"
	"net/url"
	"time"
)

// MidYear is the mid-year monitoring report of the cycle at the period
// ending on day (the default period when day is zero).
func MidYear(year int, day time.Time) string {
	return withPeriod(Cycle(year)+"/monitoraggio-intermedio", day)
}

// MidYearPDF is the mid-year report as PDF.
func MidYearPDF(year int, day time.Time) string {
	return withPeriod(Cycle(year)+"/monitoraggio-intermedio.pdf", day)
}

// MidYearSend is where the director posts the sending of the mid-year
// report to the Nucleo (the period in the form).
func MidYearSend(year int) string { return Cycle(year) + "/monitoraggio-intermedio/invia" }

// MidYearObserve is the Nucleo's form of its observations on the mid-year
// report at the period ending on day.
func MidYearObserve(year int, day time.Time) string {
	return withPeriod(Cycle(year)+"/monitoraggio-intermedio/osservazioni", day)
}

// MidYearSendingPDF is the frozen PDF of the sending of the mid-year report
// whose identifier is id (numbers restart at every period: the identifier
// names a sending within the cycle).
func MidYearSendingPDF(year int, id int64) string {
	return fmt.Sprintf("%s/monitoraggio-intermedio/invii/%d/%s", Cycle(year), id, MidYearFrozenPDF)
}

// MidYearFrozenPDF is the name of a sending's frozen PDF in its URL.
const MidYearFrozenPDF = "monitoraggio.pdf"

func withPeriod(page string, day time.Time) string {
	if day.IsZero() {
		return page
	}
	return page + "?" + url.Values{"periodo": {day.Format(time.DateOnly)}}.Encode()
}
