package dataio

import (
	"testing"
)

// Opt-out columns in English, Italian and Russian are recognized by their
// headers; a "yes" (x, sì, да) marks the client after the import, a blank
// or "no" leaves them as they are, and a value that is neither is said.
func TestImportOptOutColumns(t *testing.T) {
	for _, hdr := range [][2]string{{"No SMS", "No e-mail"}, {"Non inviare SMS", "Non inviare e-mail"}, {"Не отправлять SMS", "Не отправлять письма"}} {
		t.Run(hdr[0], func(t *testing.T) {
			csv := "Name,Mobile,Email," + hdr[0] + "," + hdr[1] + "\n" +
				"Mario Rossi,+39 347 111 2233,mario@example.it,sì,\n" +
				"Olga Ivanova,+7 912 345 6789,olga@example.ru,,да\n" +
				"Luca Verdi,+39 347 222 3344,luca@example.it,no,forse\n"
			src, err := Read("clients.csv", []byte(csv), ReadOptions{Region: "IT"})
			if err != nil {
				t.Fatal(err)
			}
			if f := src.Columns[3].Field + "," + src.Columns[4].Field; f != "no_sms,no_email" {
				t.Fatalf("the opt-out columns map to %s", f)
			}
			db := openDB(t)
			plan, err := PlanImport(cliCtx(), db, src)
			if err != nil {
				t.Fatal(err)
			}
			if err := plan.Apply(cliCtx(), db, nil); err != nil {
				t.Fatal(err)
			}
			want := []struct{ sms, email bool }{{true, false}, {false, true}, {false, false}}
			for i, r := range plan.Rows {
				o, err := db.ContactOptOut(cliCtx(), r.ContactID)
				if err != nil {
					t.Fatal(err)
				}
				if o.NoSMS != want[i].sms || o.NoEmail != want[i].email {
					t.Errorf("%s: opt-outs %+v, want %+v", r.Name, o, want[i])
				}
			}
			if n := plan.Rows[2].Notes; len(n) != 1 || n[0] != hdr[1]+` "forse" not understood: not opted out` {
				t.Errorf("Luca's notes %q", n)
			}
		})
	}
}
