//! Typed reads of the automerge values this layout uses.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use luring_model::EntityKind;

use crate::error::{CrdtError, Result};

/// Reads the entity kind from the document's root, refusing unknown or newer layouts.
pub fn entity_kind(doc: &AutoCommit) -> Result<EntityKind> {
    let r = Reader::new(doc, "entity");
    let schema = r.int(&automerge::ROOT, "schema")?;
    if schema > crate::SCHEMA_VERSION {
        return Err(CrdtError::NewerSchema(schema));
    }
    r.str(&automerge::ROOT, "type")?
        .parse()
        .map_err(|_| CrdtError::UnknownKind)
}

/// Reads fields of one kind of entity, naming the field in every error.
pub(crate) struct Reader<'a> {
    pub doc: &'a AutoCommit,
    pub kind: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(doc: &'a AutoCommit, kind: &'static str) -> Self {
        Self { doc, kind }
    }

    fn value(&self, obj: &ObjId, key: &'static str) -> Result<Option<Value<'a>>> {
        Ok(self.doc.get(obj, key)?.map(|(v, _)| v))
    }

    fn wrong(&self, key: &'static str) -> CrdtError {
        CrdtError::WrongType {
            kind: self.kind,
            key,
        }
    }

    pub fn opt_str(&self, obj: &ObjId, key: &'static str) -> Result<Option<String>> {
        match self.value(obj, key)? {
            None => Ok(None),
            Some(Value::Scalar(s)) => match s.as_ref() {
                ScalarValue::Str(s) => Ok(Some(s.to_string())),
                ScalarValue::Null => Ok(None),
                _ => Err(self.wrong(key)),
            },
            Some(_) => Err(self.wrong(key)),
        }
    }

    pub fn str(&self, obj: &ObjId, key: &'static str) -> Result<String> {
        self.opt_str(obj, key)?.ok_or(CrdtError::Missing {
            kind: self.kind,
            key,
        })
    }

    pub fn int(&self, obj: &ObjId, key: &'static str) -> Result<i64> {
        match self.value(obj, key)? {
            None => Err(CrdtError::Missing {
                kind: self.kind,
                key,
            }),
            Some(Value::Scalar(s)) => match s.as_ref() {
                ScalarValue::Int(i) => Ok(*i),
                ScalarValue::Uint(u) => i64::try_from(*u).map_err(|_| self.wrong(key)),
                _ => Err(self.wrong(key)),
            },
            Some(_) => Err(self.wrong(key)),
        }
    }

    pub fn bool(&self, obj: &ObjId, key: &'static str) -> Result<bool> {
        match self.value(obj, key)? {
            None => Ok(false),
            Some(Value::Scalar(s)) => match s.as_ref() {
                ScalarValue::Boolean(b) => Ok(*b),
                _ => Err(self.wrong(key)),
            },
            Some(_) => Err(self.wrong(key)),
        }
    }

    /// The id of a nested object of type `ty`, or `None` if absent.
    pub fn obj(&self, obj: &ObjId, key: &'static str, ty: ObjType) -> Result<Option<ObjId>> {
        match self.doc.get(obj, key)? {
            None => Ok(None),
            Some((Value::Object(t), id)) if t == ty => Ok(Some(id)),
            Some(_) => Err(self.wrong(key)),
        }
    }

    pub fn text(&self, obj: &ObjId, key: &'static str) -> Result<String> {
        match self.obj(obj, key, ObjType::Text)? {
            Some(id) => Ok(self.doc.text(&id)?),
            None => Ok(String::new()),
        }
    }

    /// The map objects in a list, in list order.
    pub fn list_of_maps(&self, obj: &ObjId, key: &'static str) -> Result<Vec<ObjId>> {
        let Some(list) = self.obj(obj, key, ObjType::List)? else {
            return Ok(vec![]);
        };
        (0..self.doc.length(&list))
            .map(|i| match self.doc.get(&list, i)? {
                Some((Value::Object(ObjType::Map), id)) => Ok(id),
                _ => Err(self.wrong(key)),
            })
            .collect()
    }

    /// The keys of a map object, sorted.
    pub fn map_keys(&self, obj: &ObjId, key: &'static str) -> Result<Vec<String>> {
        match self.obj(obj, key, ObjType::Map)? {
            Some(id) => Ok(self.doc.keys(&id).collect()),
            None => Ok(vec![]),
        }
    }

    /// The string items of a list.
    pub fn list_of_str(&self, obj: &ObjId, key: &'static str) -> Result<Vec<String>> {
        let Some(list) = self.obj(obj, key, ObjType::List)? else {
            return Ok(vec![]);
        };
        (0..self.doc.length(&list))
            .map(|i| match self.doc.get(&list, i)? {
                Some((Value::Scalar(s), _)) => match s.as_ref() {
                    ScalarValue::Str(s) => Ok(s.to_string()),
                    _ => Err(self.wrong(key)),
                },
                _ => Err(self.wrong(key)),
            })
            .collect()
    }

    pub fn invalid(&self) -> impl Fn(luring_model::ValidationError) -> CrdtError + '_ {
        move |source| CrdtError::Invalid {
            kind: self.kind,
            source,
        }
    }
}
