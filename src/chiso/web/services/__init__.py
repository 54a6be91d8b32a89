"""Decision 766 service quality in the web app.

The province's dossier records live in a Parquet store under ``$CHISO_DATA_DIR/dossiers``
(`chiso.io.dossier_store`); uploads, the synthetic demo province and the computation run as
background jobs; a computation is frozen as an immutable `ServiceSnapshot` that the public pages
read once it is published; measured rates fill the PAR Index's data leaves (`par_feed`).
"""
