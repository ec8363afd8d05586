package dataio

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestZZScratch(t *testing.T) {
	for _, f := range []string{"android-contacts.vcf", "iphone-contacts.vcf", "outlook-contact.vcf", "outlook-contact-ru.vcf", "office-suite.xlsx"} {
		src, err := ReadFile(samples+f, ReadOptions{Region: "IT", Sheet: "all", SheetGroup: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range src.Records {
			b, _ := json.Marshal(r)
			fmt.Println(string(b))
		}
	}
}
