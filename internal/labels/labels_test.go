package labels_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/labels"
	"traguardo/internal/store"
)

// auditConstants reads the constants of internal/audit from its source:
// "audit.Name" to the code stored.
func auditConstants(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "audit", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("audit sources: %v (%d files)", err, len(files))
	}
	out := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, sp := range g.Specs {
					vs := sp.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
							out["audit."+n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	return out
}

// fnKeys are the keys of the snapshots a function of the store builds, and
// the entities it records: each key must be a field of one of them.
type fnKeys struct {
	fn       string
	entities []audit.Entity
	keys     []audit.Key
}

// storeCodes is what the store's source writes in the audit log: the action
// and entity codes, and the keys of the snapshots it builds itself (the plan
// rows' own columns are checked against the database by a server test).
type storeCodes struct {
	actions  []audit.Action
	entities []audit.Entity
	keys     []fnKeys
}

// readStore parses the store's source (not its tests) and collects the codes
// passed to record, in auditRecord and planTable literals, and the keys of
// the snapshots it builds (in Go or with jsonb_build_object). A code or a key
// written as a string literal fails the test: the store writes the constants
// of internal/audit. An argument it cannot read fails too: a new way of
// writing a code must be taught to this test rather than slip past it.
func readStore(t *testing.T) storeCodes {
	t.Helper()
	consts := auditConstants(t)
	files, err := filepath.Glob(filepath.Join("..", "store", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("store sources: %v (%d files)", err, len(files))
	}
	var c storeCodes
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	jsonbKeys := regexp.MustCompile(`'(\w+)',`)
	// constant resolves audit.Name to its code.
	constant := func(e ast.Expr) (string, bool) {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return "", false
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || pkg.Name != "audit" {
			return "", false
		}
		v, ok := consts["audit."+sel.Sel.Name]
		return v, ok
	}
	// tables are the package's maps whose values are codes, by name.
	tables := map[string][]string{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) {
						continue
					}
					if cl, ok := vs.Values[i].(*ast.CompositeLit); ok {
						if _, ok := cl.Type.(*ast.MapType); ok {
							for _, el := range cl.Elts {
								if v, ok := constant(el.(*ast.KeyValueExpr).Value); ok {
									tables[n.Name] = append(tables[n.Name], v)
								}
							}
						}
					}
				}
			}
		}
	}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			// codes resolves an argument to the codes it can hold.
			codes := func(e ast.Expr, what string) []string {
				if v, ok := constant(e); ok {
					return []string{v}
				}
				switch e := e.(type) {
				case *ast.BasicLit:
					t.Errorf("%s: %s of %s is the literal %s: write the constant of internal/audit", fset.Position(e.Pos()), what, fn.Name.Name, e.Value)
					return nil
				case *ast.Ident:
					var out []string
					ast.Inspect(fn.Body, func(n ast.Node) bool {
						if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 && len(as.Lhs) == 2 {
							// action, ok := table[step]
							if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == e.Name {
								if ix, ok := as.Rhs[0].(*ast.IndexExpr); ok {
									if m, ok := ix.X.(*ast.Ident); ok {
										out = append(out, tables[m.Name]...)
									}
								}
							}
						}
						if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
							for i, l := range as.Lhs {
								if id, ok := l.(*ast.Ident); ok && id.Name == e.Name {
									if v, ok := constant(as.Rhs[i]); ok {
										out = append(out, v)
									}

								}
							}
						}
						return true
					})
					if len(out) > 0 {
						return out
					}
				case *ast.SelectorExpr:
					// rec.action and t.entity: read from the auditRecord and
					// planTable literals.
					if e.Sel.Name == "action" || e.Sel.Name == "entity" {
						return nil
					}
				}
				t.Errorf("%s: %s of %s: cannot read %T; teach this test", fset.Position(e.Pos()), what, fn.Name.Name, e)
				return nil
			}
			var fnEntities []audit.Entity
			var keys []audit.Key
			addActions := func(vs []string) {
				for _, v := range vs {
					c.actions = append(c.actions, audit.Action(v))
				}
			}
			addEntities := func(vs []string) {
				for _, v := range vs {
					c.entities = append(c.entities, audit.Entity(v))
					fnEntities = append(fnEntities, audit.Entity(v))
				}
			}
			// key reads a snapshot key, which must be a constant.
			key := func(e ast.Expr) {
				if v, ok := constant(e); ok {
					keys = append(keys, audit.Key(v))
					return
				}
				if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					t.Errorf("%s: %s writes the snapshot key %s: write the constant of internal/audit", fset.Position(e.Pos()), fn.Name.Name, lit.Value)
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "record" && len(n.Args) >= 5 {
						addActions(codes(n.Args[3], "action"))
						addEntities(codes(n.Args[4], "entity"))
					}
				case *ast.CompositeLit:
					switch typ := n.Type.(type) {
					case *ast.Ident:
						if typ.Name == "auditRecord" {
							for _, el := range n.Elts {
								if kv, ok := el.(*ast.KeyValueExpr); ok {
									switch kv.Key.(*ast.Ident).Name {
									case "action":
										addActions(codes(kv.Value, "action"))
									case "entity":
										addEntities(codes(kv.Value, "entity"))
									}
								}
							}
						}
					case *ast.SelectorExpr, *ast.MapType:
						// A snapshot (audit.Snapshot), or a map with string
						// keys, which must not be one.
						if sel, ok := typ.(*ast.SelectorExpr); ok && sel.Sel.Name != "Snapshot" {
							return true
						}
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								key(kv.Key)
							}
						}
					case *ast.ArrayType:
						// The carry-over's steps: {what, sql}, what a key of its counts.
						if st, ok := typ.Elt.(*ast.StructType); ok && len(st.Fields.List) > 0 && st.Fields.List[0].Names[0].Name == "what" {
							for _, el := range n.Elts {
								if cl, ok := el.(*ast.CompositeLit); ok {
									key(cl.Elts[0])
								}
							}
						}
					}
				case *ast.BasicLit:
					if n.Kind == token.STRING && strings.Contains(n.Value, "jsonb_build_object(") {
						for _, m := range jsonbKeys.FindAllStringSubmatch(n.Value, -1) {
							keys = append(keys, audit.Key(m[1]))
						}
					}
				}
				return true
			})
			c.keys = append(c.keys, fnKeys{fn.Name.Name, fnEntities, keys})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.TypeSpec:
				// The fields of a user entry are auditUser's JSON names.
				if n.Name.Name == "auditUser" {
					var keys []audit.Key
					for _, fl := range n.Type.(*ast.StructType).Fields.List {
						tag, _ := strconv.Unquote(fl.Tag.Value)
						name, _, _ := strings.Cut(strings.TrimPrefix(tag, `json:"`), `"`)
						keys = append(keys, audit.Key(name))
					}
					c.keys = append(c.keys, fnKeys{"auditUser", []audit.Entity{audit.User}, keys})
				}
			case *ast.CompositeLit:
				// The plan tables, at package level.
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "planTable" {
					v, ok := constant(n.Elts[1])
					if !ok {
						t.Errorf("%s: planTable entity is not a constant of internal/audit", fset.Position(n.Pos()))
						return true
					}
					c.entities = append(c.entities, audit.Entity(v))
				}
			}
			return true
		})
	}
	slices.Sort(c.actions)
	c.actions = slices.Compact(c.actions)
	slices.Sort(c.entities)
	c.entities = slices.Compact(c.entities)
	return c
}

// TestLabels_Codes fails for a code of internal/audit without an Italian
// name: the audit page and the variations would otherwise show it raw.
func TestLabels_Codes(t *testing.T) {
	for _, a := range audit.Actions() {
		if !labels.HasAction(a) {
			t.Errorf("the action %q has no Italian name in internal/labels", a)
		}
	}
	for _, e := range audit.Entities() {
		if !labels.HasEntity(e) {
			t.Errorf("the entity %q has no Italian name in internal/labels", e)
		}
	}
	for _, l := range audit.Limits() {
		if !labels.HasThrottleLimit(l) {
			t.Errorf("the throttle limit %q has no Italian name", l)
		}
	}
	for _, r := range audit.Refusals() {
		if !labels.HasRefusal(r) {
			t.Errorf("the refusal %q has no Italian name", r)
		}
	}
	for _, f := range []string{store.FormSignIn, store.FormPassword} {
		if !labels.HasAccessForm(f) {
			t.Errorf("the form %q has no Italian name", f)
		}
	}
	// Every key is a field of some entity, and every field a key.
	for _, k := range audit.Keys() {
		if !hasField(nil, k) {
			t.Errorf("the snapshot key %q is no field of any entity in internal/labels", k)
		}
	}
	for _, e := range audit.Entities() {
		for _, f := range labels.Fields(e) {
			if !slices.Contains(audit.Keys(), f.Key) {
				t.Errorf("%s.%s: the field is not a key of internal/audit", e, f.Key)
			}
		}
	}
}

// TestLabels_StoreCodes: the store writes the constants of internal/audit,
// every action and entity among them, and every key it builds is a field of
// the entities it records.
func TestLabels_StoreCodes(t *testing.T) {
	c := readStore(t)
	t.Logf("actions %q, entities %q", c.actions, c.entities)
	// Each constant is written somewhere, or the reader of the source is
	// broken (or the constant is dead).
	for _, want := range audit.Actions() {
		if !slices.Contains(c.actions, want) {
			t.Errorf("the store's source does not seem to write the action %q", want)
		}
	}
	for _, want := range audit.Entities() {
		if !slices.Contains(c.entities, want) {
			t.Errorf("the store's source does not seem to write the entity %q", want)
		}
	}
	for _, a := range c.actions {
		if !labels.HasAction(a) {
			t.Errorf("the store writes the action %q, which has no Italian name in internal/labels", a)
		}
	}
	for _, e := range c.entities {
		if !labels.HasEntity(e) {
			t.Errorf("the store writes the entity %q, which has no Italian name in internal/labels", e)
		}
	}
	found := 0
	for _, fk := range c.keys {
		for _, k := range fk.keys {
			found++
			if !hasField(fk.entities, k) {
				t.Errorf("%s writes the field %q of %q, which is not in the fields table of internal/labels", fk.fn, k, fk.entities)
			}
		}
	}
	if found < 50 {
		t.Errorf("found %d snapshot keys in the store's source: the reader is broken", found)
	}
}

// hasField reports whether the fields table has key for one of the
// entities, or for any entity when there are none (a snapshot built by a
// helper, such as a centre's).
func hasField(entities []audit.Entity, key audit.Key) bool {
	if len(entities) == 0 {
		entities = audit.Entities()
	}
	for _, e := range entities {
		if _, ok := labels.FieldOf(e, key); ok {
			return true
		}
	}
	return false
}

// TestLabels_Fields: every field shown has a label, and none is listed twice.
func TestLabels_Fields(t *testing.T) {
	for _, e := range audit.Entities() {
		if len(labels.Fields(e)) == 0 {
			t.Errorf("%s has no fields", e)
		}
		seen := map[audit.Key]bool{}
		for _, f := range labels.Fields(e) {
			if seen[f.Key] {
				t.Errorf("%s.%s listed twice", e, f.Key)
			}
			seen[f.Key] = true
			if (f.Kind == labels.Hidden) != (f.Label == "") {
				t.Errorf("%s.%s: a shown field needs a label, a hidden one none (%+v)", e, f.Key, f)
			}
		}
	}
}

// TestLabels_Polarity: both polarities, in the order of the forms, in words.
func TestLabels_Polarity(t *testing.T) {
	if got := labels.Polarities(); !slices.Equal(got, []domain.Polarity{domain.Higher, domain.Lower}) {
		t.Errorf("Polarities() = %q", got)
	}
	for p, want := range map[domain.Polarity]string{domain.Higher: "Più alto è meglio", domain.Lower: "Più basso è meglio"} {
		if got := labels.PolarityLabel(p); got != want {
			t.Errorf("PolarityLabel(%q) = %q, want %q", p, got, want)
		}
	}
	for _, r := range auth.Roles() {
		if r.Label() == string(r) {
			t.Errorf("role %q has no label", r)
		}
	}
}
