//! A parsed JSON body, read into request types the way JSON Schema (and so `openapi.yaml`) reads
//! JSON: a number with a zero fraction (`298.0`) is an integer, and an object is the only form of
//! an object. serde's own JSON reading differs on both: it refuses `298.0` for a `u32`, and it
//! accepts an array such as `[null, null]` for a struct, field by field in order.

use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor,
    value::BorrowedStrDeserializer,
};
use serde_json::{Error, Map, Number, Value};

/// `value` as a [`Deserializer`] of the rules above.
#[derive(Clone, Copy)]
pub struct JsonValue<'a>(pub &'a Value);

impl<'de> JsonValue<'de> {
    fn object(self) -> Option<&'de Map<String, Value>> {
        self.0.as_object()
    }

    fn unexpected(self) -> Unexpected<'de> {
        match self.0 {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Unexpected::Unsigned(u),
                (_, Some(i), _) => Unexpected::Signed(i),
                (_, _, f) => Unexpected::Float(f.unwrap_or(f64::NAN)),
            },
            Value::String(s) => Unexpected::Str(s),
            Value::Array(_) => Unexpected::Seq,
            Value::Object(_) => Unexpected::Map,
        }
    }

    /// The number as an integer when it is one: `7`, `-7` or `7.0`.
    fn integer<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Value::Number(n) = self.0 else { return self.deserialize_any(visitor) };
        match whole(n) {
            Some(Whole::Unsigned(u)) => visitor.visit_u64(u),
            Some(Whole::Signed(i)) => visitor.visit_i64(i),
            None => self.deserialize_any(visitor),
        }
    }
}

enum Whole {
    Unsigned(u64),
    Signed(i64),
}

/// `n` without its fraction when the fraction is zero and it fits a 64-bit integer.
fn whole(n: &Number) -> Option<Whole> {
    if let Some(u) = n.as_u64() {
        return Some(Whole::Unsigned(u));
    }
    if let Some(i) = n.as_i64() {
        return Some(Whole::Signed(i));
    }
    let f = n.as_f64()?;
    // 2^64 and -2^63 are exact as f64; a float below the first and from the second fits.
    if f.fract() != 0.0 || !(-9_223_372_036_854_775_808.0..18_446_744_073_709_551_616.0).contains(&f) {
        return None;
    }
    Some(if f >= 0.0 { Whole::Unsigned(f as u64) } else { Whole::Signed(f as i64) })
}

macro_rules! integers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.integer(visitor)
        })*
    };
}

impl<'de> Deserializer<'de> for JsonValue<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (_, Some(i), _) => visitor.visit_i64(i),
                (_, _, Some(f)) => visitor.visit_f64(f),
                _ => Err(Error::custom("a number out of range")),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(fields) => visitor.visit_map(Fields { fields: fields.iter(), value: None }),
        }
    }

    integers!(deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.object() {
            Some(fields) => visitor.visit_map(Fields { fields: fields.iter(), value: None }),
            None => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            _ => Err(Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            other => other.deserialize_enum(name, variants, visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

struct Items<'de>(std::slice::Iter<'de, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|item| seed.deserialize(JsonValue(item))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Fields<'de> {
    fields: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.fields.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::<Error>::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a value before its key"))?;
        seed.deserialize(JsonValue(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Vehicle {
        year: u16,
        mileage_km: u32,
        offset: Option<i32>,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        count: u8,
    }

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, Error> {
        T::deserialize(JsonValue(&serde_json::from_str(json).unwrap()))
    }

    #[test]
    fn whole_number_floats_are_integers() {
        let v: Vehicle =
            read(r#"{"year": 2019.0, "mileageKm": 298.0, "offset": -3.0, "inner": {"count": 1.0}}"#).unwrap();
        assert_eq!(v, Vehicle { year: 2019, mileage_km: 298, offset: Some(-3), inner: Some(Inner { count: 1 }) });
        assert_eq!(
            read::<Vec<u64>>("[1e3, 0.0, 18446744073709549568.0]").unwrap(),
            [1000, 0, 18_446_744_073_709_549_568]
        );
    }

    #[test]
    fn fractions_and_integers_out_of_range_are_refused() {
        let fraction = read::<Vehicle>(r#"{"year": 2019.5, "mileageKm": 1}"#).unwrap_err();
        assert!(fraction.to_string().contains("invalid type: floating point `2019.5`"), "{fraction}");
        let too_big = read::<Vehicle>(r#"{"year": 70000.0, "mileageKm": 1}"#).unwrap_err();
        assert!(too_big.to_string().contains("invalid value: integer `70000`"), "{too_big}");
        assert!(read::<u64>("1e20").is_err());
        assert!(read::<u64>("-1.0").is_err());
    }

    #[test]
    fn an_object_is_the_only_form_of_a_struct() {
        let array = read::<Inner>("[1]").unwrap_err();
        assert!(array.to_string().contains("invalid type: sequence, expected struct Inner"), "{array}");
        assert!(read::<Option<Inner>>("[null]").is_err());
        assert!(read::<Vehicle>(r#"{"year": 1, "mileageKm": 1, "inner": [2]}"#).is_err());
    }

    #[test]
    fn the_rest_reads_as_serde_json_reads_it() {
        let err = read::<Vehicle>(r#"{"year": 1, "mileageKm": 1, "colour": "red"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
        assert_eq!(read::<Option<Inner>>("null").unwrap(), None);
        let data: Map<String, Value> = read(r#"{"a": 1.5, "b": [true, "x", null]}"#).unwrap();
        assert_eq!(Value::Object(data), serde_json::json!({"a": 1.5, "b": [true, "x", null]}));
        assert_eq!(read::<String>(r#""منى""#).unwrap(), "منى");
    }
}
