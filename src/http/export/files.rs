//! A researcher's answer as a file: CSV, or Apache Parquet. Both hold one
//! row per cell: each dimension's key and label, then each measure's
//! figure and whether it was suppressed, exactly as GraphQL gives them (a
//! suppressed figure is empty, or null, beside `true`), so an analyst
//! loads either in one line of pandas or R.

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DataType, DoubleType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::types::Type;

use crate::app::analytics::Answer;
use crate::domain::disclosure::Shown;
use crate::error::{AppError, AppResult};

/// The column names: `<dimension>`, `<dimension>_label` for each
/// dimension, then `<measure>`, `<measure>_suppressed` for each measure.
pub fn columns(a: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    for d in &a.question.dimensions {
        out.push(d.as_str().to_owned());
        out.push(format!("{}_label", d.as_str()));
    }
    for m in &a.question.measures {
        out.push(m.as_str().to_owned());
        out.push(format!("{}_suppressed", m.as_str()));
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The answer as CSV lines (the header first), each ending in CRLF.
pub fn csv_lines(a: &Answer) -> Vec<String> {
    let mut lines = Vec::with_capacity(a.cells.len() + 1);
    lines.push(format!("{}\r\n", columns(a).join(",")));
    for cell in &a.cells {
        let mut fields = Vec::new();
        for k in &cell.keys {
            fields.push(csv_field(&k.value));
            fields.push(csv_field(&k.name));
        }
        for f in &cell.figures {
            match f {
                Shown::Value(v) => fields.push(number(*v)),
                _ => fields.push(String::new()),
            }
            fields.push(f.is_suppressed().to_string());
        }
        lines.push(format!("{}\r\n", fields.join(",")));
    }
    lines
}

fn internal(e: parquet::errors::ParquetError) -> AppError {
    AppError::Internal(format!("writing Parquet: {e}"))
}

fn field(
    name: &str,
    physical: Physical,
    repetition: Repetition,
    text: bool,
) -> AppResult<Arc<Type>> {
    let mut builder = Type::primitive_type_builder(name, physical).with_repetition(repetition);
    if text {
        builder = builder.with_logical_type(Some(LogicalType::String));
    }
    Ok(Arc::new(builder.build().map_err(internal)?))
}

/// Writes the next column of `group`: `values`, with `defined` marking
/// which rows have one where the column is optional.
fn write_column<T: DataType, W: std::io::Write + Send>(
    group: &mut SerializedRowGroupWriter<'_, W>,
    values: &[T::T],
    defined: Option<&[i16]>,
) -> AppResult<()> {
    let mut column = group
        .next_column()
        .map_err(internal)?
        .ok_or_else(|| AppError::Internal("a Parquet column is missing".into()))?;
    column
        .typed::<T>()
        .write_batch(values, defined, None)
        .map_err(internal)?;
    column.close().map_err(internal)
}

/// The answer as one Parquet file (one row group).
pub fn to_parquet(a: &Answer) -> AppResult<Vec<u8>> {
    let mut fields = Vec::new();
    for d in &a.question.dimensions {
        fields.push(field(
            d.as_str(),
            Physical::BYTE_ARRAY,
            Repetition::REQUIRED,
            true,
        )?);
        fields.push(field(
            &format!("{}_label", d.as_str()),
            Physical::BYTE_ARRAY,
            Repetition::REQUIRED,
            true,
        )?);
    }
    for m in &a.question.measures {
        fields.push(field(
            m.as_str(),
            Physical::DOUBLE,
            Repetition::OPTIONAL,
            false,
        )?);
        fields.push(field(
            &format!("{}_suppressed", m.as_str()),
            Physical::BOOLEAN,
            Repetition::REQUIRED,
            false,
        )?);
    }
    let schema = Arc::new(
        Type::group_type_builder("analytics")
            .with_fields(fields)
            .build()
            .map_err(internal)?,
    );
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(
        &mut out,
        schema,
        Arc::new(WriterProperties::builder().build()),
    )
    .map_err(internal)?;
    let mut group = writer.next_row_group().map_err(internal)?;
    for (d, _) in a.question.dimensions.iter().enumerate() {
        for label in [false, true] {
            let values: Vec<ByteArray> = a
                .cells
                .iter()
                .map(|c| {
                    let k = &c.keys[d];
                    ByteArray::from(if label {
                        k.name.as_str()
                    } else {
                        k.value.as_str()
                    })
                })
                .collect();
            write_column::<ByteArrayType, _>(&mut group, &values, None)?;
        }
    }
    for (m, _) in a.question.measures.iter().enumerate() {
        let shown: Vec<Shown> = a.cells.iter().map(|c| c.figures[m]).collect();
        let values: Vec<f64> = shown
            .iter()
            .filter_map(|s| match s {
                Shown::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        let defined: Vec<i16> = shown
            .iter()
            .map(|s| i16::from(matches!(s, Shown::Value(_))))
            .collect();
        write_column::<DoubleType, _>(&mut group, &values, Some(&defined))?;
        let flags: Vec<bool> = shown.iter().map(Shown::is_suppressed).collect();
        write_column::<BoolType, _>(&mut group, &flags, None)?;
    }
    group.close().map_err(internal)?;
    writer.close().map_err(internal)?;
    Ok(out)
}
