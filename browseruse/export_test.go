package browseruse

// Decoders under test: FastUnmarshal is the first decoder unmarshal tries;
// Unmarshal is unmarshal itself, first decoder and fallback.
var FastUnmarshal = fastUnmarshal

func Unmarshal[T any](data []byte, v *T) error { return unmarshal(data, v) }

// UnmarshalNoCopy is unmarshal as check calls it, for the any tree.
func UnmarshalNoCopy(data []byte, v *any) error { return unmarshal(data, v, noCopy) }

var NoCopy = noCopy
