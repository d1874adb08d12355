package plan

import (
	"reflect"
	"strings"
	"testing"
)

// TestCheckPublicValues: a public value names an area the objectives name,
// once, within its limit; an empty text is none.
func TestCheckPublicValues(t *testing.T) {
	areas := []string{"Welfare", " Scuola "}
	got := CheckPublicValues([]PublicValue{
		{Area: " Welfare", Value: "ok"},
		{Area: "Scuola", Value: ""},
		{Area: "Welfare ", Value: "di nuovo"},
		{Area: "Sport", Value: "x"},
		{Area: "  ", Value: "x"},
		{Area: "Scuola2", Value: strings.Repeat("a", MaxPublicValue+1)},
	}, areas)
	want := []PublicValueProblem{
		{2, FieldArea, "area strategica già elencata: «Welfare»"},
		{3, FieldArea, "nessun obiettivo indica l'area strategica «Sport»"},
		{4, FieldArea, "nome dell'area strategica mancante"},
		{5, FieldArea, "nessun obiettivo indica l'area strategica «Scuola2»"},
		{5, FieldPublicValue, "testo troppo lungo: al più 4.000 caratteri (ne ha 4.001)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", got, want)
	}
	if p := CheckPublicValues([]PublicValue{{Area: "Scuola", Value: strings.Repeat("à", MaxPublicValue)}}, areas); p != nil {
		t.Errorf("a value at the limit: %+v", p)
	}
	norm := NormalPublicValues([]PublicValue{{Area: " A ", Value: " v "}, {Area: "B", Value: " \n"}})
	if !reflect.DeepEqual(norm, []PublicValue{{Area: "A", Value: "v"}}) {
		t.Errorf("NormalPublicValues = %+v", norm)
	}
}
