//! Otmetka's v1 gRPC contracts, one module per `otmetka.<service>.v1` package.

// Generated code: its doc comments are the contracts' comments, verbatim.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/otmetka.rs"));
}

pub use generated::otmetka::*;

/// The encoded `FileDescriptorSet` of every Otmetka contract, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/otmetka_descriptor.bin"));
