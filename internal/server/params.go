package server

import (
	"math"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/plan"
)

// Route parameters. Every number in a URL path is read here, into the range
// its column holds: a year into a cycle's years (plan.MinYear..MaxYear, as
// the schema checks), a record's id into a positive bigint, a version's
// number into a positive integer. Anything else names no record and is a
// missing page (404), never a query the database refuses (a year past int4
// was a 500 before).

// yearText reads s as a cycle's year.
func yearText(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	if err != nil || y < plan.MinYear || y > plan.MaxYear {
		return 0, false
	}
	return y, true
}

// parseID reads s as a record's id (a positive bigint).
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// parseNumber reads s as a positive integer column (a version's number).
func parseNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > math.MaxInt32 {
		return 0, false
	}
	return n, true
}

// yearParam reads the {year} URL parameter.
func yearParam(r *http.Request) (int, error) {
	year, ok := yearText(chi.URLParam(r, "year"))
	if !ok {
		return 0, notFound("Anno non valido.")
	}
	return year, nil
}

// idParam reads the id URL parameter name; anything else is a missing page.
func idParam(r *http.Request, name string) (int64, error) {
	id, ok := parseID(chi.URLParam(r, name))
	if !ok {
		return 0, notFound("La risorsa richiesta non esiste.")
	}
	return id, nil
}
