//! Routes each tonic method to its handler: methods that need a caller go
//! through the shared dispatch, the public ones read only the source address.

use otmetka_platform::grpc::context::client_address;
use otmetka_platform::grpc::{Reply, handle};
use otmetka_proto::identity::v1 as pb;
use otmetka_proto::identity::v1::identity_service_server::IdentityService;
use tonic::{Request, Response};

use super::IdentityApi;

#[tonic::async_trait]
impl IdentityService for IdentityApi {
    async fn create_school(
        &self,
        req: Request<pb::CreateSchoolRequest>,
    ) -> Reply<pb::CreateSchoolResponse> {
        handle(req, |ctx, message| self.create_school(ctx, message)).await
    }
    async fn get_school(&self, req: Request<pb::GetSchoolRequest>) -> Reply<pb::GetSchoolResponse> {
        handle(req, |ctx, message| self.get_school(ctx, message)).await
    }
    async fn list_schools(
        &self,
        req: Request<pb::ListSchoolsRequest>,
    ) -> Reply<pb::ListSchoolsResponse> {
        handle(req, |ctx, message| self.list_schools(ctx, message)).await
    }
    async fn create_class(
        &self,
        req: Request<pb::CreateClassRequest>,
    ) -> Reply<pb::CreateClassResponse> {
        handle(req, |ctx, message| self.create_class(ctx, message)).await
    }
    async fn get_class(&self, req: Request<pb::GetClassRequest>) -> Reply<pb::GetClassResponse> {
        handle(req, |ctx, message| self.get_class(ctx, message)).await
    }
    async fn list_classes(
        &self,
        req: Request<pb::ListClassesRequest>,
    ) -> Reply<pb::ListClassesResponse> {
        handle(req, |ctx, message| self.list_classes(ctx, message)).await
    }
    async fn create_subject(
        &self,
        req: Request<pb::CreateSubjectRequest>,
    ) -> Reply<pb::CreateSubjectResponse> {
        handle(req, |ctx, message| self.create_subject(ctx, message)).await
    }
    async fn list_subjects(
        &self,
        req: Request<pb::ListSubjectsRequest>,
    ) -> Reply<pb::ListSubjectsResponse> {
        handle(req, |ctx, message| self.list_subjects(ctx, message)).await
    }
    async fn get_school_directory(
        &self,
        req: Request<pb::GetSchoolDirectoryRequest>,
    ) -> Reply<pb::GetSchoolDirectoryResponse> {
        handle(req, |ctx, message| self.get_school_directory(ctx, message)).await
    }
    async fn create_person(
        &self,
        req: Request<pb::CreatePersonRequest>,
    ) -> Reply<pb::CreatePersonResponse> {
        handle(req, |ctx, message| self.create_person(ctx, message)).await
    }
    async fn get_person(&self, req: Request<pb::GetPersonRequest>) -> Reply<pb::GetPersonResponse> {
        handle(req, |ctx, message| self.get_person(ctx, message)).await
    }
    async fn list_student_memberships(
        &self,
        req: Request<pb::ListStudentMembershipsRequest>,
    ) -> Reply<pb::ListStudentMembershipsResponse> {
        handle(req, |ctx, message| {
            self.list_student_memberships(ctx, message)
        })
        .await
    }
    async fn list_persons(
        &self,
        req: Request<pb::ListPersonsRequest>,
    ) -> Reply<pb::ListPersonsResponse> {
        handle(req, |ctx, message| self.list_persons(ctx, message)).await
    }
    async fn enroll_student(
        &self,
        req: Request<pb::EnrollStudentRequest>,
    ) -> Reply<pb::EnrollStudentResponse> {
        handle(req, |ctx, message| self.enroll_student(ctx, message)).await
    }
    async fn list_class_students(
        &self,
        req: Request<pb::ListClassStudentsRequest>,
    ) -> Reply<pb::ListClassStudentsResponse> {
        handle(req, |ctx, message| self.list_class_students(ctx, message)).await
    }
    async fn list_class_memberships(
        &self,
        req: Request<pb::ListClassMembershipsRequest>,
    ) -> Reply<pb::ListClassMembershipsResponse> {
        handle(req, |ctx, message| {
            self.list_class_memberships(ctx, message)
        })
        .await
    }
    async fn link_guardian(
        &self,
        req: Request<pb::LinkGuardianRequest>,
    ) -> Reply<pb::LinkGuardianResponse> {
        handle(req, |ctx, message| self.link_guardian(ctx, message)).await
    }
    async fn unlink_guardian(
        &self,
        req: Request<pb::UnlinkGuardianRequest>,
    ) -> Reply<pb::UnlinkGuardianResponse> {
        handle(req, |ctx, message| self.unlink_guardian(ctx, message)).await
    }
    async fn list_guardianships(
        &self,
        req: Request<pb::ListGuardianshipsRequest>,
    ) -> Reply<pb::ListGuardianshipsResponse> {
        handle(req, |ctx, message| self.list_guardianships(ctx, message)).await
    }
    async fn grant_staff_role(
        &self,
        req: Request<pb::GrantStaffRoleRequest>,
    ) -> Reply<pb::GrantStaffRoleResponse> {
        handle(req, |ctx, message| self.grant_staff_role(ctx, message)).await
    }
    async fn revoke_staff_role(
        &self,
        req: Request<pb::RevokeStaffRoleRequest>,
    ) -> Reply<pb::RevokeStaffRoleResponse> {
        handle(req, |ctx, message| self.revoke_staff_role(ctx, message)).await
    }
    async fn list_staff_roles(
        &self,
        req: Request<pb::ListStaffRolesRequest>,
    ) -> Reply<pb::ListStaffRolesResponse> {
        handle(req, |ctx, message| self.list_staff_roles(ctx, message)).await
    }
    async fn create_teaching_assignment(
        &self,
        req: Request<pb::CreateTeachingAssignmentRequest>,
    ) -> Reply<pb::CreateTeachingAssignmentResponse> {
        handle(req, |ctx, message| {
            self.create_teaching_assignment(ctx, message)
        })
        .await
    }
    async fn list_teaching_assignments(
        &self,
        req: Request<pb::ListTeachingAssignmentsRequest>,
    ) -> Reply<pb::ListTeachingAssignmentsResponse> {
        handle(req, |ctx, message| {
            self.list_teaching_assignments(ctx, message)
        })
        .await
    }
    async fn delete_teaching_assignment(
        &self,
        req: Request<pb::DeleteTeachingAssignmentRequest>,
    ) -> Reply<pb::DeleteTeachingAssignmentResponse> {
        handle(req, |ctx, message| {
            self.delete_teaching_assignment(ctx, message)
        })
        .await
    }
    async fn set_credentials(
        &self,
        req: Request<pb::SetCredentialsRequest>,
    ) -> Reply<pb::SetCredentialsResponse> {
        handle(req, |ctx, message| self.set_credentials(ctx, message)).await
    }
    async fn login(&self, req: Request<pb::LoginRequest>) -> Reply<pb::LoginResponse> {
        let source = client_address(&req);
        Ok(Response::new(self.login(req.into_inner(), source).await?))
    }
    async fn change_password(
        &self,
        req: Request<pb::ChangePasswordRequest>,
    ) -> Reply<pb::ChangePasswordResponse> {
        handle(req, |ctx, message| self.change_password(ctx, message)).await
    }
    async fn confirm_password(
        &self,
        req: Request<pb::ConfirmPasswordRequest>,
    ) -> Reply<pb::ConfirmPasswordResponse> {
        handle(req, |ctx, message| self.confirm_password(ctx, message)).await
    }
    async fn issue_access_code(
        &self,
        req: Request<pb::IssueAccessCodeRequest>,
    ) -> Reply<pb::IssueAccessCodeResponse> {
        handle(req, |ctx, message| self.issue_access_code(ctx, message)).await
    }
    async fn list_access_codes(
        &self,
        req: Request<pb::ListAccessCodesRequest>,
    ) -> Reply<pb::ListAccessCodesResponse> {
        handle(req, |ctx, message| self.list_access_codes(ctx, message)).await
    }
    async fn revoke_access_code(
        &self,
        req: Request<pb::RevokeAccessCodeRequest>,
    ) -> Reply<pb::RevokeAccessCodeResponse> {
        handle(req, |ctx, message| self.revoke_access_code(ctx, message)).await
    }
    async fn redeem_access_code(
        &self,
        req: Request<pb::RedeemAccessCodeRequest>,
    ) -> Reply<pb::RedeemAccessCodeResponse> {
        handle(req, |ctx, message| self.redeem_access_code(ctx, message)).await
    }
    async fn list_audit_events(
        &self,
        req: Request<pb::ListAuditEventsRequest>,
    ) -> Reply<pb::ListAuditEventsResponse> {
        handle(req, |ctx, message| self.list_audit_events(ctx, message)).await
    }
    async fn login_with_external_identity(
        &self,
        req: Request<pb::LoginWithExternalIdentityRequest>,
    ) -> Reply<pb::LoginWithExternalIdentityResponse> {
        handle(req, |ctx, message| {
            self.login_with_external_identity(ctx, message)
        })
        .await
    }
    async fn register_external_guardian(
        &self,
        req: Request<pb::RegisterExternalGuardianRequest>,
    ) -> Reply<pb::RegisterExternalGuardianResponse> {
        handle(req, |ctx, message| {
            self.register_external_guardian(ctx, message)
        })
        .await
    }
    async fn update_person(
        &self,
        req: Request<pb::UpdatePersonRequest>,
    ) -> Reply<pb::UpdatePersonResponse> {
        handle(req, |ctx, message| self.update_person(ctx, message)).await
    }
    async fn list_session_revocations(
        &self,
        req: Request<pb::ListSessionRevocationsRequest>,
    ) -> Reply<pb::ListSessionRevocationsResponse> {
        handle(req, |ctx, message| {
            self.list_session_revocations(ctx, message)
        })
        .await
    }
    async fn link_external_identity(
        &self,
        req: Request<pb::LinkExternalIdentityRequest>,
    ) -> Reply<pb::LinkExternalIdentityResponse> {
        handle(req, |ctx, message| {
            self.link_external_identity(ctx, message)
        })
        .await
    }
    async fn update_school(
        &self,
        req: Request<pb::UpdateSchoolRequest>,
    ) -> Reply<pb::UpdateSchoolResponse> {
        handle(req, |ctx, message| self.update_school(ctx, message)).await
    }
    async fn create_group(
        &self,
        req: Request<pb::CreateGroupRequest>,
    ) -> Reply<pb::CreateGroupResponse> {
        handle(req, |ctx, message| self.create_group(ctx, message)).await
    }
    async fn list_groups(
        &self,
        req: Request<pb::ListGroupsRequest>,
    ) -> Reply<pb::ListGroupsResponse> {
        handle(req, |ctx, message| self.list_groups(ctx, message)).await
    }
    async fn import_roster(
        &self,
        req: Request<pb::ImportRosterRequest>,
    ) -> Reply<pb::ImportRosterResponse> {
        handle(req, |ctx, message| self.import_roster(ctx, message)).await
    }
    async fn register_guardian(
        &self,
        req: Request<pb::RegisterGuardianRequest>,
    ) -> Reply<pb::RegisterGuardianResponse> {
        let source = client_address(&req);
        Ok(Response::new(
            self.register_guardian(req.into_inner(), source).await?,
        ))
    }
    async fn create_client(
        &self,
        req: Request<pb::CreateClientRequest>,
    ) -> Reply<pb::CreateClientResponse> {
        handle(req, |ctx, message| self.create_client(ctx, message)).await
    }
    async fn list_clients(
        &self,
        req: Request<pb::ListClientsRequest>,
    ) -> Reply<pb::ListClientsResponse> {
        handle(req, |ctx, message| self.list_clients(ctx, message)).await
    }
    async fn revoke_client(
        &self,
        req: Request<pb::RevokeClientRequest>,
    ) -> Reply<pb::RevokeClientResponse> {
        handle(req, |ctx, message| self.revoke_client(ctx, message)).await
    }
    async fn get_client_token(
        &self,
        req: Request<pb::GetClientTokenRequest>,
    ) -> Reply<pb::GetClientTokenResponse> {
        let source = client_address(&req);
        Ok(Response::new(
            self.get_client_token(req.into_inner(), source).await?,
        ))
    }
    async fn grant_vendor_access(
        &self,
        req: Request<pb::GrantVendorAccessRequest>,
    ) -> Reply<pb::GrantVendorAccessResponse> {
        handle(req, |ctx, message| self.grant_vendor_access(ctx, message)).await
    }
    async fn revoke_vendor_access(
        &self,
        req: Request<pb::RevokeVendorAccessRequest>,
    ) -> Reply<pb::RevokeVendorAccessResponse> {
        handle(req, |ctx, message| self.revoke_vendor_access(ctx, message)).await
    }
    async fn list_vendor_grants(
        &self,
        req: Request<pb::ListVendorGrantsRequest>,
    ) -> Reply<pb::ListVendorGrantsResponse> {
        handle(req, |ctx, message| self.list_vendor_grants(ctx, message)).await
    }
    async fn refresh_access_token(
        &self,
        req: Request<pb::RefreshAccessTokenRequest>,
    ) -> Reply<pb::RefreshAccessTokenResponse> {
        Ok(Response::new(
            self.refresh_access_token(req.into_inner()).await?,
        ))
    }
    async fn revoke_refresh_token(
        &self,
        req: Request<pb::RevokeRefreshTokenRequest>,
    ) -> Reply<pb::RevokeRefreshTokenResponse> {
        let source = client_address(&req);
        Ok(Response::new(
            self.revoke_refresh_token(req.into_inner(), source).await?,
        ))
    }
    async fn rotate_signing_key(
        &self,
        req: Request<pb::RotateSigningKeyRequest>,
    ) -> Reply<pb::RotateSigningKeyResponse> {
        handle(req, |ctx, message| self.rotate_signing_key(ctx, message)).await
    }
    async fn get_jwks(&self, _request: Request<pb::GetJwksRequest>) -> Reply<pb::GetJwksResponse> {
        Ok(Response::new(self.get_jwks().await))
    }
    async fn check_access(
        &self,
        req: Request<pb::CheckAccessRequest>,
    ) -> Reply<pb::CheckAccessResponse> {
        handle(req, |ctx, message| self.check_access(ctx, message)).await
    }
    async fn list_correspondents(
        &self,
        req: Request<pb::ListCorrespondentsRequest>,
    ) -> Reply<pb::ListCorrespondentsResponse> {
        handle(req, |ctx, message| self.list_correspondents(ctx, message)).await
    }
    async fn list_families(
        &self,
        req: Request<pb::ListFamiliesRequest>,
    ) -> Reply<pb::ListFamiliesResponse> {
        handle(req, |ctx, message| self.list_families(ctx, message)).await
    }
    async fn list_audience(
        &self,
        req: Request<pb::ListAudienceRequest>,
    ) -> Reply<pb::ListAudienceResponse> {
        handle(req, |ctx, message| self.list_audience(ctx, message)).await
    }
    async fn list_contacts(
        &self,
        req: Request<pb::ListContactsRequest>,
    ) -> Reply<pb::ListContactsResponse> {
        handle(req, |ctx, message| self.list_contacts(ctx, message)).await
    }
}
