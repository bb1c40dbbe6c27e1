"""JSON API for clinics: a clinician's clinics and invites, a clinic's members, share code
and on-call address (clinic admins), creating a clinic (site admin), and a person
sharing with a clinic by its code. The same services, and so the same permission
checks (``services.access``), as the pages in ``web/routes/clinics.py``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from nightbridge.services.accounts.sharing import share_with_clinic
from nightbridge.services.clinic.clinics import (
    answer_invite,
    clinic_detail,
    create_clinic,
    invite_clinician,
    list_clinics,
    pending_invites,
    remove_member,
    rotate_share_code,
    set_on_call_email,
)
from nightbridge.web.deps import CurrentActor, DatabaseDep, RowId
from nightbridge.web.models import ApiModel
from nightbridge.web.routes.api_auth import ShareOut

router = APIRouter(prefix="/api")


class ClinicOut(BaseModel):
    id: int
    name: str
    role: str = Field(description="the caller's role in the clinic; empty for a site admin")
    created_at: dt.datetime
    share_code: str | None = Field(description="for the clinic's admins only")
    on_call_email: str | None = Field(description="for the clinic's admins only")


class MemberOut(BaseModel):
    id: int
    account_id: int
    username: str
    role: str
    added_at: dt.datetime


class ClinicInviteOut(BaseModel):
    id: int
    clinic_id: int
    clinic_name: str
    username: str = Field(description="the invited account (empty in the invitee's own list)")
    role: str
    created_at: dt.datetime
    expires_at: dt.datetime


class ClinicDetailOut(ClinicOut):
    members: list[MemberOut]
    invites: list[ClinicInviteOut] = Field(description="open invites; for clinic admins only")
    people: int = Field(description="how many people share with the clinic now")


class ClinicIn(ApiModel):
    clinic_name: str = Field(max_length=200)
    admin_username: str = Field(max_length=200)


class ClinicPatchIn(ApiModel):
    on_call_email: str | None = Field(max_length=300, description="null or empty: none")


class ClinicInviteIn(ApiModel):
    username: str = Field(max_length=200)
    role: Literal["clinician", "clinic_admin"] = "clinician"


class ShareCodeOut(BaseModel):
    share_code: str


class ClinicShareIn(ApiModel):
    share_code: str = Field(max_length=64)
    access: Literal["view", "manage"] = Field(
        description="view: read only; manage: read and change settings, taper and notes"
    )


@router.get("/clinics", response_model=list[ClinicOut], tags=["clinics"])
def api_clinics(actor: CurrentActor, database: DatabaseDep) -> list[ClinicOut]:
    """A clinician's clinics with their role in each (every clinic, names only, for a
    site admin; an empty list for anyone else)."""
    return [ClinicOut.model_validate(c.to_dict()) for c in list_clinics(database, actor)]


@router.post("/clinics", response_model=ClinicOut, status_code=201, tags=["clinics"])
def api_clinic_create(body: ClinicIn, actor: CurrentActor, database: DatabaseDep) -> ClinicOut:
    """A site admin creates a clinic and names its first clinic admin (a clinician)."""
    created = create_clinic(
        database, actor, name=body.clinic_name, admin_username=body.admin_username
    )
    return ClinicOut.model_validate(created.to_dict())


@router.get("/clinics/{clinic_id}", response_model=ClinicDetailOut, tags=["clinics"])
def api_clinic(clinic_id: RowId, actor: CurrentActor, database: DatabaseDep) -> ClinicDetailOut:
    """The clinic as a current member sees it (404 for anyone else)."""
    return ClinicDetailOut.model_validate(clinic_detail(database, actor, clinic_id).to_dict())


@router.patch("/clinics/{clinic_id}", response_model=ClinicDetailOut, tags=["clinics"])
def api_clinic_patch(
    clinic_id: RowId, body: ClinicPatchIn, actor: CurrentActor, database: DatabaseDep
) -> ClinicDetailOut:
    """A clinic admin sets the on-call email address (403 for other members)."""
    set_on_call_email(database, actor, clinic_id, body.on_call_email)
    return ClinicDetailOut.model_validate(clinic_detail(database, actor, clinic_id).to_dict())


@router.post("/clinics/{clinic_id}/share-code", response_model=ShareCodeOut, tags=["clinics"])
def api_clinic_rotate(clinic_id: RowId, actor: CurrentActor, database: DatabaseDep) -> ShareCodeOut:
    """A clinic admin replaces the share code; the old one stops working at once."""
    return ShareCodeOut(share_code=rotate_share_code(database, actor, clinic_id))


@router.post(
    "/clinics/{clinic_id}/invites",
    response_model=ClinicInviteOut,
    status_code=201,
    tags=["clinics"],
)
def api_clinic_invite(
    clinic_id: RowId, body: ClinicInviteIn, actor: CurrentActor, database: DatabaseDep
) -> ClinicInviteOut:
    """A clinic admin invites one clinician account (only it can accept; 7 days; once)."""
    invite = invite_clinician(database, actor, clinic_id, username=body.username, role=body.role)
    return ClinicInviteOut.model_validate(invite.to_dict())


@router.delete("/clinics/{clinic_id}/members/{member_id}", status_code=204, tags=["clinics"])
def api_clinic_remove(
    clinic_id: RowId, member_id: RowId, actor: CurrentActor, database: DatabaseDep
) -> Response:
    """A clinic admin removes a member, or a member leaves; access ends at once."""
    remove_member(database, actor, clinic_id, member_id)
    return Response(status_code=204)


@router.get("/clinic-invites", response_model=list[ClinicInviteOut], tags=["clinics"])
def api_my_invites(actor: CurrentActor, database: DatabaseDep) -> list[ClinicInviteOut]:
    """The open invites made for the caller's account."""
    return [ClinicInviteOut.model_validate(i.to_dict()) for i in pending_invites(database, actor)]


@router.post("/clinic-invites/{invite_id}/accept", response_model=ClinicOut, tags=["clinics"])
def api_invite_accept(invite_id: RowId, actor: CurrentActor, database: DatabaseDep) -> ClinicOut:
    """The invited clinician joins the clinic (404 for any other account)."""
    joined = answer_invite(database, actor, invite_id, accept=True)
    assert joined is not None
    return ClinicOut.model_validate(joined.to_dict())


@router.post("/clinic-invites/{invite_id}/decline", status_code=204, tags=["clinics"])
def api_invite_decline(invite_id: RowId, actor: CurrentActor, database: DatabaseDep) -> Response:
    """The invited clinician declines (404 for any other account)."""
    answer_invite(database, actor, invite_id, accept=False)
    return Response(status_code=204)


@router.post("/shares/clinic", response_model=ShareOut, status_code=201, tags=["sharing"])
def api_share_with_clinic(
    body: ClinicShareIn, actor: CurrentActor, database: DatabaseDep
) -> ShareOut:
    """The person shares with a clinic by its share code, view only or view and manage;
    sharing again with the same clinic replaces the earlier share."""
    share = share_with_clinic(database, actor, body.share_code, body.access)
    return ShareOut.model_validate(share.to_dict())
