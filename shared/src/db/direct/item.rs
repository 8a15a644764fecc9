//! An item in DynamoDB's JSON (`{"title": {"S": "..."}, "price": {"M": {"amount": {"N": "5"}}}}`)
//! read as a type's `Deserialize` asks for it, as `serde_dynamo` reads the SDK's maps: strings,
//! numbers, booleans and null as themselves, maps as structs or maps, lists as sequences, a string
//! set as a sequence of strings. Nothing is built in between, so a string is copied once, into the
//! field that keeps it. Number sets, binary values and enums with data, which nothing read this way
//! stores, are refused.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A DynamoDB item read as `T`.
pub struct Item<T>(pub T);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(json: D) -> Result<Self, D::Error> {
        T::deserialize(Attributes(json)).map(Item)
    }
}

/// What the type asked its deserializer for: answered from the value under the tag.
#[derive(Clone, Copy)]
enum Ask {
    Any,
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    Char,
    Str,
    String,
    Bytes,
    ByteBuf,
    Option,
    Unit,
    UnitStruct(&'static str),
    NewtypeStruct(&'static str),
    Seq,
    Tuple(usize),
    TupleStruct(&'static str, usize),
    Map,
    Struct(&'static str, &'static [&'static str]),
    Enum(&'static str, &'static [&'static str]),
    Identifier,
    IgnoredAny,
}

impl Ask {
    /// Asks `from` what the type asked for.
    fn of<'de, D: Deserializer<'de>, V: Visitor<'de>>(self, from: D, visitor: V) -> Result<V::Value, D::Error> {
        match self {
            Ask::Any => from.deserialize_any(visitor),
            Ask::Bool => from.deserialize_bool(visitor),
            Ask::I8 => from.deserialize_i8(visitor),
            Ask::I16 => from.deserialize_i16(visitor),
            Ask::I32 => from.deserialize_i32(visitor),
            Ask::I64 => from.deserialize_i64(visitor),
            Ask::U8 => from.deserialize_u8(visitor),
            Ask::U16 => from.deserialize_u16(visitor),
            Ask::U32 => from.deserialize_u32(visitor),
            Ask::U64 => from.deserialize_u64(visitor),
            Ask::F32 => from.deserialize_f32(visitor),
            Ask::F64 => from.deserialize_f64(visitor),
            Ask::Char => from.deserialize_char(visitor),
            Ask::Str => from.deserialize_str(visitor),
            Ask::String => from.deserialize_string(visitor),
            Ask::Bytes => from.deserialize_bytes(visitor),
            Ask::ByteBuf => from.deserialize_byte_buf(visitor),
            Ask::Option => from.deserialize_option(visitor),
            Ask::Unit => from.deserialize_unit(visitor),
            Ask::UnitStruct(name) => from.deserialize_unit_struct(name, visitor),
            Ask::NewtypeStruct(name) => from.deserialize_newtype_struct(name, visitor),
            Ask::Seq => from.deserialize_seq(visitor),
            Ask::Tuple(len) => from.deserialize_tuple(len, visitor),
            Ask::TupleStruct(name, len) => from.deserialize_tuple_struct(name, len, visitor),
            Ask::Map => from.deserialize_map(visitor),
            Ask::Struct(name, fields) => from.deserialize_struct(name, fields, visitor),
            Ask::Enum(name, variants) => from.deserialize_enum(name, variants, visitor),
            Ask::Identifier => from.deserialize_identifier(visitor),
            Ask::IgnoredAny => from.deserialize_ignored_any(visitor),
        }
    }
}

/// Implements every `deserialize_*` of a deserializer by handing its [`Ask`] to `$answer`.
macro_rules! answer_every_ask {
    ($answer:ident) => {
        answer_every_ask!(@plain $answer: deserialize_any Any, deserialize_bool Bool, deserialize_i8 I8,
            deserialize_i16 I16, deserialize_i32 I32, deserialize_i64 I64, deserialize_u8 U8, deserialize_u16 U16,
            deserialize_u32 U32, deserialize_u64 U64, deserialize_f32 F32, deserialize_f64 F64,
            deserialize_char Char, deserialize_str Str, deserialize_string String, deserialize_bytes Bytes,
            deserialize_byte_buf ByteBuf, deserialize_option Option, deserialize_unit Unit, deserialize_seq Seq,
            deserialize_map Map, deserialize_identifier Identifier, deserialize_ignored_any IgnoredAny);
        fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, v: V) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::UnitStruct(name), v)
        }
        fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, v: V) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::NewtypeStruct(name), v)
        }
        fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::Tuple(len), v)
        }
        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            len: usize,
            v: V,
        ) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::TupleStruct(name, len), v)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            v: V,
        ) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::Struct(name, fields), v)
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            v: V,
        ) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::Enum(name, variants), v)
        }
    };
    (@plain $answer:ident: $($method:ident $ask:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
            self.$answer(Ask::$ask, v)
        })*
    };
}

/// A JSON object of named attribute values (an item, or the value of an `M`): whatever was asked
/// for, it is a map whose values are [`Typed`].
struct Attributes<D>(D);

impl<'de, D: Deserializer<'de>> Attributes<D> {
    fn answer<V: Visitor<'de>>(self, ask: Ask, visitor: V) -> Result<V::Value, D::Error> {
        match ask {
            Ask::Option => visitor.visit_some(self),
            Ask::IgnoredAny => self.0.deserialize_ignored_any(visitor),
            _ => self.0.deserialize_map(OpenMap(visitor)),
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Attributes<D> {
    type Error = D::Error;
    answer_every_ask!(answer);
}

struct OpenMap<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for OpenMap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of attribute values")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(TypedValues(map))
    }
}

/// The entries of a JSON object, each value an attribute value.
struct TypedValues<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TypedValues<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.0.next_value_seed(TypedSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A JSON array, each element an attribute value (the value of an `L`).
struct List<D>(D);

impl<'de, D: Deserializer<'de>> List<D> {
    fn answer<V: Visitor<'de>>(self, ask: Ask, visitor: V) -> Result<V::Value, D::Error> {
        match ask {
            Ask::Option => visitor.visit_some(self),
            Ask::IgnoredAny => self.0.deserialize_ignored_any(visitor),
            _ => self.0.deserialize_seq(OpenList(visitor)),
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for List<D> {
    type Error = D::Error;
    answer_every_ask!(answer);
}

struct OpenList<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for OpenList<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of attribute values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(TypedElements(seq))
    }
}

struct TypedElements<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for TypedElements<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(TypedSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct TypedSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TypedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Typed(json))
    }
}

/// One attribute value: a JSON object of one entry, its type's tag and the value.
struct Typed<D>(D);

impl<'de, D: Deserializer<'de>> Typed<D> {
    fn answer<V: Visitor<'de>>(self, ask: Ask, visitor: V) -> Result<V::Value, D::Error> {
        match ask {
            // Skipped whole, whatever its type.
            Ask::IgnoredAny => self.0.deserialize_ignored_any(visitor),
            _ => self.0.deserialize_map(OpenTyped { ask, visitor }),
        }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Typed<D> {
    type Error = D::Error;
    answer_every_ask!(answer);
}

struct OpenTyped<V> {
    ask: Ask,
    visitor: V,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for OpenTyped<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        let tag: Tag = map.next_key()?.ok_or_else(|| de::Error::custom("an attribute value without a type"))?;
        let value = map.next_value_seed(Tagged { tag, ask: self.ask, visitor: self.visitor })?;
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("an attribute value of two types"));
        }
        Ok(value)
    }
}

/// An attribute value's type.
enum Tag {
    /// A string, a boolean or a string set: JSON's own string, boolean or array of strings.
    Json,
    Number,
    Map,
    List,
    Null,
    /// A number set, a binary value or a binary set.
    Unread,
}

impl<'de> de::Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(json: D) -> Result<Self, D::Error> {
        json.deserialize_identifier(TagVisitor)
    }
}

struct TagVisitor;

impl Visitor<'_> for TagVisitor {
    type Value = Tag;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute value's type")
    }

    fn visit_str<E: de::Error>(self, tag: &str) -> Result<Tag, E> {
        match tag {
            "S" | "BOOL" | "SS" => Ok(Tag::Json),
            "N" => Ok(Tag::Number),
            "M" => Ok(Tag::Map),
            "L" => Ok(Tag::List),
            "NULL" => Ok(Tag::Null),
            "NS" | "B" | "BS" => Ok(Tag::Unread),
            other => Err(E::unknown_variant(other, &["S", "N", "BOOL", "NULL", "M", "L", "SS", "NS", "B", "BS"])),
        }
    }
}

/// The value under an attribute value's tag.
struct Tagged<V> {
    tag: Tag,
    ask: Ask,
    visitor: V,
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Tagged<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<V::Value, D::Error> {
        let Tagged { tag, ask, visitor } = self;
        match tag {
            Tag::Json => ask.of(json, visitor),
            Tag::Number => {
                let text = json.deserialize_str(Text)?;
                ask.of(Number { text, error: PhantomData }, visitor)
            }
            Tag::Map => ask.of(Attributes(json), visitor),
            Tag::List => ask.of(List(json), visitor),
            Tag::Null => {
                json.deserialize_ignored_any(IgnoredAny)?;
                match ask {
                    Ask::Option => visitor.visit_none(),
                    _ => visitor.visit_unit(),
                }
            }
            Tag::Unread => Err(de::Error::custom("number sets and binary values are not read")),
        }
    }
}

/// A JSON string, borrowed from the answer when it has no escapes.
struct Text;

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text))
    }
}

/// The text of an `N`, read as the number asked for (any: the first of `u64`, `i64` and `f64` it
/// fits, as `serde_dynamo` does).
struct Number<'de, E> {
    text: Cow<'de, str>,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Number<'de, E> {
    fn parsed<T: std::str::FromStr>(&self) -> Result<T, E> {
        self.text.parse().map_err(|_| E::custom(format_args!("{:?} is not such a number", self.text)))
    }

    fn answer<V: Visitor<'de>>(self, ask: Ask, visitor: V) -> Result<V::Value, E> {
        match ask {
            Ask::I8 => visitor.visit_i8(self.parsed()?),
            Ask::I16 => visitor.visit_i16(self.parsed()?),
            Ask::I32 => visitor.visit_i32(self.parsed()?),
            Ask::I64 => visitor.visit_i64(self.parsed()?),
            Ask::U8 => visitor.visit_u8(self.parsed()?),
            Ask::U16 => visitor.visit_u16(self.parsed()?),
            Ask::U32 => visitor.visit_u32(self.parsed()?),
            Ask::U64 => visitor.visit_u64(self.parsed()?),
            Ask::F32 => visitor.visit_f32(self.parsed()?),
            Ask::F64 => visitor.visit_f64(self.parsed()?),
            Ask::Option => visitor.visit_some(self),
            Ask::NewtypeStruct(_) => visitor.visit_newtype_struct(self),
            Ask::IgnoredAny => visitor.visit_unit(),
            _ => {
                if let Ok(n) = self.text.parse::<u64>() {
                    visitor.visit_u64(n)
                } else if let Ok(n) = self.text.parse::<i64>() {
                    visitor.visit_i64(n)
                } else {
                    visitor.visit_f64(self.parsed()?)
                }
            }
        }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Number<'de, E> {
    type Error = E;
    answer_every_ask!(answer);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::Item;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Colour {
        Red,
        DarkBlue,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Price {
        amount: u64,
        currency: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Thing {
        id: String,
        year: u16,
        delta: i32,
        ratio: f64,
        new: bool,
        colour: Colour,
        price: Price,
        tags: Vec<String>,
        owners: Vec<Price>,
        #[serde(default)]
        note: Option<String>,
        nothing: Option<u32>,
        count: Option<u32>,
        seen_by: Vec<String>,
        counts: BTreeMap<String, u64>,
        any: serde_json::Value,
    }

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str::<Item<T>>(json).map(|item| item.0)
    }

    #[test]
    fn every_type_of_attribute_value_is_read_as_the_field_asks() {
        let json = r#"{
            "id": {"S": "p-1 \"quoted\" \u0645"}, "year": {"N": "2021"}, "delta": {"N": "-3"},
            "ratio": {"N": "0.25"}, "new": {"BOOL": true}, "colour": {"S": "dark_blue"},
            "price": {"M": {"amount": {"N": "55000000"}, "currency": {"S": "EGP"}}},
            "tags": {"L": [{"S": "a"}, {"S": "b"}]},
            "owners": {"L": [{"M": {"amount": {"N": "1"}, "currency": {"S": "EGP"}}}]},
            "nothing": {"NULL": true}, "count": {"N": "7"}, "seenBy": {"SS": ["x", "y"]},
            "counts": {"M": {"cairo": {"N": "2"}, "giza": {"N": "1"}}},
            "any": {"M": {"n": {"N": "-1.5"}, "l": {"L": [{"BOOL": false}, {"NULL": true}]}}},
            "unknown": {"M": {"deep": {"L": [{"N": "1"}]}}}
        }"#;
        let thing: Thing = read(json).unwrap();
        assert_eq!(
            thing,
            Thing {
                id: "p-1 \"quoted\" م".into(),
                year: 2021,
                delta: -3,
                ratio: 0.25,
                new: true,
                colour: Colour::DarkBlue,
                price: Price { amount: 55_000_000, currency: "EGP".into() },
                tags: vec!["a".into(), "b".into()],
                owners: vec![Price { amount: 1, currency: "EGP".into() }],
                note: None,
                nothing: None,
                count: Some(7),
                seen_by: vec!["x".into(), "y".into()],
                counts: BTreeMap::from([("cairo".into(), 2), ("giza".into(), 1)]),
                any: serde_json::json!({"n": -1.5, "l": [false, null]}),
            }
        );
        assert_eq!(read::<Colour>(r#"{"S": "red"}"#).ok(), None, "a bare attribute value is not an item");
    }

    #[test]
    fn a_value_that_does_not_fit_its_field_is_an_error_not_a_guess() {
        let refused = [
            (r#"{"amount": {"N": "-1"}, "currency": {"S": "EGP"}}"#, "a negative amount"),
            (r#"{"amount": {"N": "1.5"}, "currency": {"S": "EGP"}}"#, "a fraction"),
            (r#"{"amount": {"S": "1"}, "currency": {"S": "EGP"}}"#, "a number as a string"),
            (r#"{"amount": {"N": "1"}, "currency": {"S": "EGP"}, "x": {"S": "1"}}"#, "an unknown field"),
            (r#"{"amount": {"N": "1"}}"#, "a missing field"),
            (r#"{"amount": {"N": "1", "S": "1"}, "currency": {"S": "EGP"}}"#, "two types"),
            (r#"{"amount": {"NS": ["1"]}, "currency": {"S": "EGP"}}"#, "a number set"),
            (r#"{"amount": {"B": "AQ=="}, "currency": {"S": "EGP"}}"#, "binary"),
            (r#"{"amount": {}, "currency": {"S": "EGP"}}"#, "no type"),
        ];
        for (json, what) in refused {
            assert!(read::<Price>(json).is_err(), "{what} was read: {json}");
        }
    }
}
