"""Media on S3-compatible object storage (AWS S3, MinIO, Ceph, Hetzner, ...), for more than one app server.

Chosen in the settings when ``AWS_STORAGE_BUCKET_NAME`` is set. Every file stays private: objects are written
without a public ACL, and people reach them only through the app's views, which check permissions and stream
the file from the bucket (never a link to the bucket itself).
"""

from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

from tilts.core.storage import TransactionalMixin


class TransactionalS3Storage(TransactionalMixin, S3Storage):  # type: ignore[misc]
    pass
