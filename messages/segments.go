package messages

// Encodings an SMS goes out in.
const (
	GSM7 = "gsm7"
	UCS2 = "ucs2"
)

// Length is how a text goes out as SMS: its encoding, its length in that
// encoding's units and the number of parts (each billed as one SMS).
type Length struct {
	Encoding string `json:"encoding"`
	Units    int    `json:"units"`
	Segments int    `json:"segments"`
}

// gsmBasic is the GSM 03.38 default alphabet; gsmExt is its extension table,
// whose characters take two septets (an escape and the character).
var (
	gsmBasic = runeSet("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
	gsmExt   = runeSet("^{}\\[~]|€\f")
)

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// Segments counts the parts a phone sends text in: GSM-7 when every
// character is in the GSM alphabet (160 septets, or 153 per part when split;
// extension characters such as € count twice), UCS-2 otherwise (70 UTF-16
// units, or 67 per part; a character outside the BMP, such as an emoji, is
// two units). An empty text is one part.
func Segments(text string) Length {
	septets, gsm := 0, true
	units := 0
	for _, r := range text {
		switch {
		case gsmBasic[r]:
			septets++
		case gsmExt[r]:
			septets += 2
		default:
			gsm = false
		}
		if r > 0xFFFF {
			units += 2
		} else {
			units++
		}
	}
	if gsm {
		return Length{Encoding: GSM7, Units: septets, Segments: parts(septets, 160, 153)}
	}
	return Length{Encoding: UCS2, Units: units, Segments: parts(units, 70, 67)}
}

func parts(n, single, multi int) int {
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}
