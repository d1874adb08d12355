package plan

import (
	"reflect"
	"testing"
)

func TestStrategicAreas_PlanOrderWithPublicValue(t *testing.T) {
	a := &Objective{Title: "a", StrategicArea: "Inclusione "}
	b := &Objective{Title: "b", StrategicArea: ""}
	c := &Objective{Title: "c", StrategicArea: "Servizi generali"}
	d := &Objective{Title: "d", StrategicArea: "Inclusione"}
	cy := &Cycle{
		Centres:      []*Centre{{Objectives: []*Objective{a, b}}, {Objectives: []*Objective{c, d}}},
		PublicValues: []PublicValue{{Area: "Inclusione", Value: "Meno persone sole"}},
	}
	got := cy.StrategicAreas()
	want := []StrategicArea{
		{Name: "Inclusione", PublicValue: "Meno persone sole", Objectives: []*Objective{a, d}},
		{Name: "Servizi generali", Objectives: []*Objective{c}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("StrategicAreas() = %+v, want %+v", got, want)
	}
}
