package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

//go:embed consorzio-inrete-2023.json
var cycle2023 []byte

// Cycle2023 returns the 2023 Relazione of Consorzio IN.RE.TE. as a v1 document.
func Cycle2023() []byte { return bytes.Clone(cycle2023) }

// ApprovalAct2023 is the act that approves the demo's 2023 plan.
const ApprovalAct2023 = "Piano della performance 2023 (dato dimostrativo: la Relazione non riporta l'atto di approvazione)"

// approvedOn2023 is the day of that act: the legal deadline of the plan.
var approvedOn2023 = time.Date(2023, time.January, 31, 0, 0, 0, 0, time.UTC)

// centreNames are the centres of the demo document, in order.
var centreNames = func() []string {
	var doc struct {
		Centres []struct{ Name string } `json:"centres"`
	}
	if err := json.Unmarshal(cycle2023, &doc); err != nil {
		panic("demo document: " + err.Error())
	}
	names := make([]string, len(doc.Centres))
	for i, c := range doc.Centres {
		names[i] = c.Name
	}
	return names
}()

// Install loads the demo into an empty database (no cycle, no account): the
// cycles of Load and the accounts of CreateAccounts, all with password. On a
// database that holds anything it does nothing and says so (installed is
// false): the demo's accounts, with their published password, are made
// once, and never again for centres users create later.
func Install(ctx context.Context, st *store.Store, policy *richtext.Policy, password string) (accounts []Account, installed bool, err error) {
	empty, err := st.Empty(ctx)
	if err != nil || !empty {
		return nil, false, err
	}
	if _, err := Load(ctx, st, policy); err != nil {
		return nil, false, err
	}
	// The 2024 plan being drawn up, with its strategic areas' public value
	// (for its Piano).
	if err := writePublicValues(ctx, st, 2024); err != nil {
		return nil, false, err
	}
	// The 2023 Relazione reports on a plan approved at the start of the
	// year: the demo's 2023 plan is approved, so a change to it is a
	// variation, as it would be for the body. The seed does not name the
	// act; the demo says so in the act's text.
	c, err := st.LoadCycle(ctx, 2023)
	if err != nil {
		return nil, false, err
	}
	if err := st.ApprovePlan(ctx, store.Actor{Name: "demo"}, c.Year, c.Version, ApprovalAct2023, approvedOn2023); err != nil {
		return nil, false, fmt.Errorf("demo approval: %w", err)
	}
	accounts, err = CreateAccounts(ctx, st, password)
	if err != nil {
		return nil, false, err
	}
	return accounts, true, nil
}

// Load imports the demo cycle 2023 through the ordinary import, then starts
// 2024 from it by carrying its plan over, as a body does in January: a cycle
// open for its first quarter, not approved, with no data yet. Each is created
// only when the database lacks it; Load reports whether it created anything.
func Load(ctx context.Context, st *store.Store, policy *richtext.Policy) (bool, error) {
	c, err := interchange.Read(bytes.NewReader(cycle2023), policy)
	if err != nil {
		return false, fmt.Errorf("demo document: %w", err)
	}
	actor := store.Actor{Name: "demo"}
	created := false
	if _, err := st.LoadCycle(ctx, c.Year); errors.Is(err, store.ErrNotFound) {
		if _, err := st.ImportCycle(ctx, actor, c); err != nil {
			return false, fmt.Errorf("demo import: %w", err)
		}
		created = true
	} else if err != nil {
		return false, err
	}
	if _, err := st.LoadCycle(ctx, c.Year+1); errors.Is(err, store.ErrNotFound) {
		if _, err := st.CarryOver(ctx, actor, c.Year); err != nil {
			return created, fmt.Errorf("demo carry over: %w", err)
		}
		created = true
		if err := openFirstPeriod(ctx, st, c.Year+1); err != nil {
			return created, err
		}
	} else if err != nil {
		return created, err
	}
	return created, nil
}

// openFirstPeriod opens the first period of the carried-over year (31/03)
// from 1 March of that year to 30 days after the demo is installed, so that
// a manager can fill it in whatever the day; the other periods keep the
// default window (from their end to 20 days after), and the previous
// year's, long past, are closed: its data are final.
func openFirstPeriod(ctx context.Context, st *store.Store, year int) error {
	o, err := st.Monitoring(ctx, year, domain.Today(time.Now()))
	if err != nil {
		return err
	}
	if len(o.Periods) == 0 {
		return nil
	}
	opens := time.Date(year, time.March, 1, 0, 0, 0, 0, time.UTC)
	if err := st.InstallWindow(ctx, o.Periods[0].ID, opens, domain.Today(time.Now()).AddDate(0, 0, 30)); err != nil {
		return fmt.Errorf("demo window: %w", err)
	}
	return nil
}

// publicValues are the demo's public value (valore pubblico) of each
// strategic area its objectives name: the 2023 Relazione does not state
// them, so each says it is a demo's text. Install writes them into 2024,
// the plan being drawn up, as a director would for its Piano (Load, which
// the tests use, leaves them out).
var publicValues = map[string]string{
	"ANZIANI":                 "Più anziani assistiti a casa propria, con servizi domiciliari tempestivi e continui.",
	"Area Disabili - Anziani": "Persone con disabilità e anziani non autosufficienti sostenuti nella vita quotidiana e nelle famiglie.",
	"DISABILI":                "Più autonomia e inclusione delle persone con disabilità, nella scuola, nel lavoro e nella comunità.",
	"Governance, amministrazione e servizi generali.": "Un consorzio trasparente ed efficiente, che impiega le risorse dei comuni dove servono di più.",
	"Interventi per soggetti a rischio di esclusione sociale e programmazione e governo della rete dei servizi socio-sanitari e sociali": "Una rete dei servizi sociali e sanitari che accoglie chi è a rischio di esclusione senza lasciarlo solo tra gli sportelli.",
	"Interventi per soggetti a rischio di esclusione sociale":                                                                            "Meno persone e famiglie in condizione di povertà e di esclusione sociale.",
	"Minori e Famiglie - Adulti": "Famiglie e adulti in difficoltà accompagnati verso l'autonomia.",
	"Minori e famiglie":          "Minori protetti e cresciuti in famiglie sostenute nel loro ruolo educativo.",
}

// writePublicValues writes publicValues into the cycle of year, for the
// areas its objectives name.
func writePublicValues(ctx context.Context, st *store.Store, year int) error {
	c, err := st.LoadCycle(ctx, year)
	if err != nil {
		return err
	}
	var values []plan.PublicValue
	for _, a := range c.StrategicAreas() {
		if v, ok := publicValues[a.Name]; ok {
			values = append(values, plan.PublicValue{Area: a.Name, Value: v + " (Testo dimostrativo.)"})
		}
	}
	if err := st.SetPublicValues(ctx, store.Change{Actor: store.Actor{Name: "demo"}, Version: c.PublicValuesVersion}, year, values); err != nil {
		return fmt.Errorf("demo public values: %w", err)
	}
	return nil
}
