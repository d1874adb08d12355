package fielderr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestError_Places checks how a problem reads at each kind of place: a form
// or item field, a JSON path, a workbook cell, a sheet, and nowhere.
func TestError_Places(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Field("title", "titolo dell'obiettivo mancante"), "title: titolo dell'obiettivo mancante"},
		{Path("centres[0].objectives[1].number", "numero già usato"), "centres[0].objectives[1].number: numero già usato"},
		{Cell("Indicatori", 5, "J", "valore atteso mancante"), "Indicatori, riga 5, colonna J: valore atteso mancante"},
		{Cell("Centri", 0, "", "foglio illeggibile"), "Centri: foglio illeggibile"},
		{Cell("Obiettivi", 1, "", "intestazione «Titolo» mancante"), "Obiettivi, riga 1: intestazione «Titolo» mancante"},
		{Error{Message: "JSON non valido: documento incompleto"}, "JSON non valido: documento incompleto"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%#v reads %q, want %q", tc.e, got, tc.want)
		}
	}
}

// TestError_Adapters moves an item's field problem under a JSON path and
// onto a workbook cell.
func TestError_Adapters(t *testing.T) {
	e := Field("expected", "valore atteso mancante")
	if got, want := e.Under("centres[1].objectives[0].indicators[2]"), Path("centres[1].objectives[0].indicators[2].expected", e.Message); got != want {
		t.Errorf("Under = %#v, want %#v", got, want)
	}
	if got := e.Under(""); got != e {
		t.Errorf("Under(\"\") = %#v, want it unchanged", got)
	}
	whole := Error{Message: "indicatore non di questo obiettivo"}
	if got := whole.Under("centres[0]"); got.Field != "centres[0]" {
		t.Errorf("a problem of a whole item under its path is at %q, want the item's path", got.Field)
	}
	if got, want := e.InCell("Indicatori", 7, "J"), (Error{Sheet: "Indicatori", Row: 7, Column: "J", Message: e.Message}); got != want {
		t.Errorf("InCell = %#v, want %#v (and no field)", got, want)
	}
}

// TestList_Error lists the problems one a line, in order, and is found
// through a wrapping error.
func TestList_Error(t *testing.T) {
	l := List{Path("year", "anno non valido"), Cell("Attività", 2, "G", "mese non valido"), {Message: "troppi errori"}}
	want := "year: anno non valido\nAttività, riga 2, colonna G: mese non valido\ntroppi errori"
	if got := l.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var found List
	if !errors.As(fmt.Errorf("import: %w", l), &found) || len(found) != 3 || found[1].Column != "G" {
		t.Errorf("errors.As found %v", found)
	}
}

// TestCollector keeps the first MaxList problems and counts the others,
// which the list's last line tells.
func TestCollector(t *testing.T) {
	var c Collector
	if c.List() != nil || c.Len() != 0 || c.Full() {
		t.Fatalf("an empty collector: %v, %d, %v", c.List(), c.Len(), c.Full())
	}
	for i := range MaxList {
		c.Add(Path(fmt.Sprintf("centres[%d].name", i), "nome del centro mancante"))
	}
	if l := c.List(); len(l) != MaxList || l.Total() != MaxList || !c.Full() {
		t.Fatalf("%d problems: %d listed, %d in all, full %v", MaxList, len(l), l.Total(), c.Full())
	}
	c.Add(Path("year", "anno non valido"))
	c.AddAll(List{Path("a", "x"), Path("b", "y")})
	c.Skip()
	l := c.List()
	if len(l) != MaxList+1 || c.Len() != MaxList+4 || l.Total() != MaxList+4 {
		t.Fatalf("%d listed, %d recorded, %d in all", len(l), c.Len(), l.Total())
	}
	if last, want := l[MaxList], (Error{Message: "e altri 4 errori, non elencati", More: 4}); last != want {
		t.Errorf("last line %#v, want %#v", last, want)
	}
	if len(c.Kept()) != MaxList {
		t.Errorf("%d kept", len(c.Kept()))
	}
	for n, want := range map[int]string{1: "e un altro errore", 999: "e altri 999 errori", 1000: "e altri 1.000 errori", 3494086: "e altri 3.494.086 errori"} {
		if got := More(n).Message; !strings.HasPrefix(got, want+", non elencat") {
			t.Errorf("More(%d) = %q", n, got)
		}
	}
}
